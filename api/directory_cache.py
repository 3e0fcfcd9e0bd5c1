"""Directory answers kept for a short time in the gateway process (ASGI middleware).

Why: the action server asks the directory the same few questions again and again (the
emergency's 24/7 lines, support in a borough), and each answer costs the gateway about
10 ms of CPU (the query, ORUK shaping, response validation). Measured in docs/benchmarks.md:
gateway CPU per message 12.0 -> 4.7 ms.

What is kept: the bytes of a `GET /services` or `GET /services/{id}` answer with status 200,
by path and query string. A kept answer is served again only while all of these hold:

- it is at most `seconds` old (DIRECTORY_CACHE_SECONDS, 30 by default; 0 turns it off);
- it is the same minute. Opening hours are whole minutes (HH:MM), so whether a service is
  open now, and the "opens Monday at 9am" labels, stay the same for a whole minute: a kept
  answer says what a fresh one would. `open_now` is never staler than the TTL in any case;
- the directory is unchanged. Every write leaves an audit entry in its own transaction
  (services_directory/store.py): the API's PUT and PATCH in this process, and the CLI's
  import, verify and seed, which run in *other* processes and write the database directly.
  So the key holds the audit log's row count and latest id, read from the database on each
  request (one small indexed query instead of the whole directory query and shaping): an
  edit made anywhere is seen by the next request, not after the TTL.

A write through this process's API also empties the cache (to free memory at once). A change
made to the database by hand, without an audit entry, is seen within the TTL. At most
`max_entries` answers of at most `max_body_bytes` each are kept (least recently used out
first), so odd query strings on the public API cannot grow it without bound.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services_directory import models

DIRECTORY_PATH = "/services"
READS = ("GET",)
WRITES = ("PUT", "PATCH", "POST", "DELETE")

Key = tuple[Any, ...]


class DirectoryCache:
    """The kept answers; one per process, shared by the public and the internal app."""

    def __init__(
        self,
        sessions: sessionmaker,
        seconds: float = 30.0,
        max_entries: int = 256,
        max_body_bytes: int = 256 * 1024,
        clock: Callable[[], float] = time.time,  # for tests
    ) -> None:
        self.sessions = sessions
        self.seconds = seconds
        self.max_entries = max_entries
        self.max_body_bytes = max_body_bytes
        self.clock = clock
        # key -> (stored at, the answer's ASGI messages, the route it matched)
        self._entries: OrderedDict[Key, tuple[float, list[Message], Any]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.seconds > 0 and self.max_entries > 0

    def __len__(self) -> int:
        return len(self._entries)

    def version(self) -> tuple[int, int | None]:
        """The directory's version: the audit log's row count and latest id (blocking)."""
        with self.sessions() as session:
            count, latest = session.execute(
                select(func.count(models.AuditEntry.id), func.max(models.AuditEntry.id))
            ).one()
        return count, latest

    def key(self, version: tuple[int, int | None], scope: Scope) -> Key:
        minute = int(self.clock() // 60)  # UTC minutes are London minutes: whole-hour offsets
        return version, minute, scope["path"], scope.get("query_string", b"")

    def get(self, key: Key) -> tuple[list[Message], Any] | None:
        found = self._entries.get(key)
        if found is None:
            return None
        stored_at, messages, route = found
        if self.clock() - stored_at >= self.seconds:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return messages, route

    def put(self, key: Key, messages: list[Message], route: Any = None) -> None:
        if not messages or messages[0].get("status") != 200:
            return
        size = sum(len(m.get("body", b"")) for m in messages if m["type"] == "http.response.body")
        if size > self.max_body_bytes:
            return
        self._entries[key] = (self.clock(), [_copy(m) for m in messages], route)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


def _copy(message: Message) -> Message:
    """A copy whose header list no outer middleware can change in place."""
    copied = dict(message)
    if "headers" in copied:
        copied["headers"] = [tuple(header) for header in copied["headers"]]
    return copied


def _is_directory(path: str) -> bool:
    return path == DIRECTORY_PATH or path.startswith(DIRECTORY_PATH + "/")


class DirectoryCacheMiddleware:
    def __init__(self, app: ASGIApp, cache: DirectoryCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.cache.enabled or not _is_directory(scope["path"]):
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method in WRITES:
            try:
                await self.app(scope, receive, send)
            finally:
                self.cache.clear()  # after the write: nothing read before it stays
            return
        if method not in READS:
            await self.app(scope, receive, send)
            return
        try:
            # read before the answer is made, so a kept answer is never older than its key
            version = await run_in_threadpool(self.cache.version)
        except SQLAlchemyError:  # the directory is down: the app answers (503), nothing kept
            await self.app(scope, receive, send)
            return
        key = self.cache.key(version, scope)
        kept = self.cache.get(key)
        if kept is not None:
            messages, route = kept
            scope["route"] = route  # for the access log's route template, as the router sets it
            for message in messages:
                await send(_copy(message))
            return
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(_copy(message))
            await send(message)

        await self.app(scope, receive, keep)
        self.cache.put(key, messages, scope.get("route"))
