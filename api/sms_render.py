"""One SMS per turn: GSM-7 only, a bounded number of segments, numbered choices."""

from __future__ import annotations

from api.rasa_client import Reply
from api.text import sms_segments, to_gsm7

MAX_SEGMENTS = 3


def choices_line(replies: list[Reply]) -> str:
    titles = [b.title for r in replies for b in r.buttons]
    if not titles:
        return ""
    return "Reply " + ", ".join(f"{i} for {t}" for i, t in enumerate(titles, 1))


def render_sms(replies: list[Reply]) -> str:
    """Replies joined in order, dropping whole later replies that would not fit."""
    choices = to_gsm7(choices_line(replies))
    parts: list[str] = []
    for reply in replies:
        candidate = "\n\n".join(
            parts + [to_gsm7(reply.text.strip())] + ([choices] if choices else [])
        )
        if parts and sms_segments(candidate) > MAX_SEGMENTS:
            break
        parts.append(to_gsm7(reply.text.strip()))
    body = "\n\n".join(parts + ([choices] if choices else []))
    if sms_segments(body) > MAX_SEGMENTS:  # one reply too long on its own: cut it
        limit = 153 * MAX_SEGMENTS - 3
        body = body[:limit].rstrip() + "..."
    return body
