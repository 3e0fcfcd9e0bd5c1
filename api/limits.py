"""Public limits, checked before Rasa is called. In memory, per gateway process.

Keys are HMACs (of the IP address or the conversation pseudonym), so no raw address is
held. With several gateways each keeps its own counts: the limits are per process.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict, deque

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LIMITED_MESSAGE = (
    "You are sending messages faster than I can answer. Please wait a minute and try again. "
    "If you are in danger, call 999."
)
TOO_LARGE_MESSAGE = "That message is too long for me. If you are in danger, call 999."


class SlidingWindow:
    """At most `limit` hits per key in any `window` seconds; old keys are forgotten."""

    def __init__(self, limit: int, window: float, max_keys: int = 100_000) -> None:
        self.limit, self.window, self.max_keys = limit, window, max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        hits = self._hits.pop(key, None) or deque()
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        allowed = len(hits) < self.limit
        if allowed:
            hits.append(now)
        self._hits[key] = hits  # most recently used last
        while len(self._hits) > self.max_keys:
            self._hits.popitem(last=False)
        return allowed


class NewSessionLimit:
    """At most `limit` new conversations per client key in `window` seconds."""

    def __init__(self, limit: int, window: float, max_sessions: int = 200_000) -> None:
        self.window, self.max_sessions = window, max_sessions
        self._per_client = SlidingWindow(limit, window)
        self._seen: OrderedDict[str, float] = OrderedDict()

    def allow(self, client: str, session: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        seen = self._seen.get(session)
        if seen is not None and now - seen < self.window:
            self._seen.move_to_end(session)
            self._seen[session] = now
            return True
        if not self._per_client.allow(client, now):
            return False
        self._seen[session] = now
        while len(self._seen) > self.max_sessions:
            self._seen.popitem(last=False)
        return True


class BodySizeLimit:
    """Refuses request bodies over `max_bytes` (declared or streamed) with 413."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _too_large(send)
            return
        if declared is not None:
            await self.app(scope, receive, send)
            return
        # no declared length (chunked): read up to the limit first, then hand it on whole
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await _too_large(send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _too_large(send: Send) -> None:
    body = json.dumps({"detail": TOO_LARGE_MESSAGE}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
