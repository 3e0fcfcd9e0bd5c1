"""Text hygiene for what people send and for what SMS can carry."""

from __future__ import annotations

import re
import unicodedata

MAX_MESSAGE_CHARS = 1000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_user_text(text: str) -> str:
    """Normalised, without control characters, cut to a sane length."""
    text = unicodedata.normalize("NFKC", text)
    return _CONTROL.sub(" ", text).strip()[:MAX_MESSAGE_CHARS]


# GSM 03.38 basic set plus the extension table (each extension char costs two septets).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")
_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2012": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2022": "-",
    "\u00b7": "-",
    "\t": " ",
}


def to_gsm7(text: str) -> str:
    """Replace what would force UCS-2 (curly quotes, dashes, emoji...) with GSM-7 text."""
    out = []
    for ch in text:
        ch = _REPLACEMENTS.get(ch, ch)
        if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in ch):
            out.append(ch)
            continue
        # accented letters outside the set lose their accent; anything else goes
        plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
        out.append("".join(c for c in plain if c in GSM7_BASIC))
    return "".join(out)


def gsm7_septets(text: str) -> int:
    return sum(2 if c in GSM7_EXTENSION else 1 for c in text)


def sms_segments(text: str) -> int:
    """Segments a GSM-7 message takes: 160 septets alone, 153 each when split."""
    septets = gsm7_septets(text)
    return 1 if septets <= 160 else -(-septets // 153)


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)
