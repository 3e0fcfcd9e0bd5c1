"""One SMS per turn: GSM-7 only, a bounded number of segments, numbered choices."""

from __future__ import annotations

from api.rasa_client import Reply
from api.text import sms_segments, to_gsm7

MAX_SEGMENTS = 3
MAX_SEPTETS = 153 * MAX_SEGMENTS


def choices_line(replies: list[Reply]) -> str:
    titles = [b.title for r in replies for b in r.buttons]
    if not titles:
        return ""
    return "Reply " + ", ".join(f"{i} for {t}" for i, t in enumerate(titles, 1))


def render_sms(replies: list[Reply], notice: str | None = None) -> str:
    """Replies in order, then the choices and any notice (these two are always kept).

    Whole later replies are dropped when they would not fit; a first reply too long on
    its own is cut, so the message never exceeds MAX_SEGMENTS.
    """
    tail = [to_gsm7(part) for part in (choices_line(replies), notice) if part]
    texts = [to_gsm7(r.text.strip()) for r in replies if r.text.strip()]
    kept: list[str] = []
    for text in texts:
        if kept and sms_segments("\n\n".join(kept + [text] + tail)) > MAX_SEGMENTS:
            break
        kept.append(text)
    body = "\n\n".join(kept + tail)
    if sms_segments(body) > MAX_SEGMENTS:
        room = MAX_SEPTETS - len("\n\n".join(tail)) - 5
        body = "\n\n".join([kept[0][: max(room, 0)].rstrip() + "..."] + tail)
    return body
