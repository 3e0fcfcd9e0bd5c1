"""Pseudonyms: Rasa never sees a phone number or the browser's own session id."""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(key: str, channel: str, raw_id: str) -> str:
    """HMAC-SHA256 of the channel and id: stable for one key, unlinkable without it."""
    digest = hmac.new(key.encode(), f"{channel}:{raw_id}".encode(), hashlib.sha256)
    return f"{channel}-{digest.hexdigest()[:40]}"
