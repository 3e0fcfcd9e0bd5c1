"""The gateway's only way to Rasa: the project's gateway channel, over HTTP (aiohttp).

RASA_URL may name several Rasa replicas (comma-separated). Each conversation, by its
pseudonymous sender id, has its own order of replicas (rendezvous hashing): the first is
its home, so one replica handles a conversation's turns one after another. That matters
because open-source Rasa's Redis lock store can race between replicas (RasaHQ/rasa#9213).
When the home replica fails (refused, timed out, any error status) the next in the
sender's order is tried, all within one time budget: nobody waits for two full timeouts.

Connections to each replica are kept open and there are at most
RASA_CONNECTIONS_PER_REPLICA of them (4); more messages wait in the gateway, first come first
served, within their time budget. Rasa works on one message at a time, so more connections
add no capacity, only unfairness: at 50 concurrent conversations p99 was 299 ms with 4 and
530 ms with 8, and with 100 p95 rose by half (docs/benchmarks.md, "Levers applied").
aiohttp rather than httpx: the same calls cost the gateway about half the CPU.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

CHANNEL_PATH = "/webhooks/gateway"
# Looking a conversation up, forgetting it, a health check: quick reads and deletes in the
# tracker store. Short, because SMS asks before the reply budget starts.
LOOKUP_SECONDS = 2.0
CONNECT_SECONDS = 2.0
# Kept back from the home replica for each replica after it: one that is up answers well
# within this. The home gets the rest, because failing over from a slow but working home
# rarely helps: the other replica waits on the conversation's lock, then runs the turn again.
FAILOVER_RESERVE_SECONDS = 2.0
# A replica that refused a connection is tried last, and gets no reserve, for this long:
# while it is down the others get the whole budget.
DOWN_SECONDS = 5.0

logger = logging.getLogger("api.rasa")


class RasaUnavailable(Exception):
    """Rasa is down, slow, failed, or said nothing: the caller answers with safety text."""


class Refused(Exception):
    """No connection could be made: nothing listens there, so the replica is down."""


class CallFailed(Exception):
    """The connection was made but the call failed (reset, bad response...)."""


@dataclass(frozen=True)
class Answer:
    """A replica's HTTP answer, read whole."""

    status: int
    body: bytes

    @property
    def is_error(self) -> bool:
        return self.status >= 400

    def json(self) -> Any:
        return json.loads(self.body)


# (method, url, headers, JSON body or None) -> the answer; raises Refused or CallFailed.
# The real one is AiohttpTransport; tests pass fakes.
Transport = Callable[[str, str, Mapping[str, str], Any], Awaitable[Answer]]


class AiohttpTransport:
    """One aiohttp session for all replicas, made on first use in each event loop (a session
    belongs to the loop it was made in; test clients run an app in more than one)."""

    def __init__(self, connections_per_replica: int) -> None:
        self.connections_per_replica = connections_per_replica
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __call__(
        self, method: str, url: str, headers: Mapping[str, str], body: Any
    ) -> Answer:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._loop = loop
            connector = aiohttp.TCPConnector(limit=0, limit_per_host=self.connections_per_replica)
            # no total timeout here: RasaClient bounds each whole call, pool wait included
            timeout = aiohttp.ClientTimeout(total=None, sock_connect=CONNECT_SECONDS)
            self._session = aiohttp.ClientSession(connector=connector, timeout=timeout)
        try:
            async with self._session.request(method, url, headers=headers, json=body) as response:
                return Answer(response.status, await response.read())
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as error:
            raise Refused(type(error).__name__) from error
        except aiohttp.ClientError as error:
            raise CallFailed(type(error).__name__) from error

    async def aclose(self) -> None:
        if self._session is not None and self._loop is asyncio.get_running_loop():
            await self._session.close()
        self._session = None


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[Button] = field(default_factory=list)


def numbered(prefix: str, count: int) -> list[str]:
    """Component names: `rasa` alone, or `rasa-1`, `rasa-2`... for replicas."""
    return [prefix] if count == 1 else [f"{prefix}-{i}" for i in range(1, count + 1)]


def replica_order(sender: str, urls: Sequence[str]) -> list[int]:
    """Indexes of `urls`, the sender's home replica first (rendezvous hashing).

    Every (replica, sender) pair gets a score and the replicas are taken highest first.
    No ring to keep: adding or removing a replica moves only the conversations it gains
    or loses, and every gateway computes the same order.
    """

    def score(index: int) -> bytes:
        return hashlib.sha256(f"{urls[index]}\n{sender}".encode()).digest()

    return sorted(range(len(urls)), key=score, reverse=True)


class RasaClient:
    """Rasa replicas behind one interface: send, forget, has_conversation, health.

    `shared_store`: the replicas share a tracker store (Redis), so any of them can read or
    delete any conversation. Without it each keeps its own conversations in memory.
    """

    def __init__(
        self,
        urls: str | Sequence[str],
        timeout: float,
        token: str | None = None,
        *,
        shared_store: bool = False,
        connections_per_replica: int = 4,
        transport: Transport | None = None,
    ) -> None:
        urls = [urls] if isinstance(urls, str) else list(urls)
        if not urls:
            raise ValueError("RasaClient needs at least one Rasa URL")
        self.urls = [url.rstrip("/") for url in urls]
        self.names = numbered("rasa", len(self.urls))
        self._timeout = timeout
        self._shared_store = shared_store
        self._down_until = [0.0] * len(self.urls)  # loop time
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._own_transport = AiohttpTransport(connections_per_replica)
        self._transport = transport or self._own_transport

    async def send(self, sender: str, text: str, channel: str) -> list[Reply]:
        body = {"sender": sender, "message": text, "metadata": {"channel": channel}}
        response = await self._first_answer(sender, "POST", "/webhook", self._timeout, body)
        # From here the replica has taken the message: trying another would run it twice.
        try:
            messages = response.json()
        except ValueError as error:
            raise RasaUnavailable("not JSON") from error
        if not isinstance(messages, list):
            raise RasaUnavailable("not a list")
        replies = [_reply(m) for m in messages if isinstance(m, dict) and m.get("text")]
        if not replies:
            raise RasaUnavailable("no reply")
        return replies

    async def forget(self, sender: str) -> None:
        """Deletes the conversation on every replica at once.

        In memory, any replica the conversation failed over to holds a copy. With Redis one
        deletion would do, but each replica may also hold the in-memory copy Rasa falls
        back to while Redis is down; so all are asked, and one success is enough.
        """
        answers = await self._everywhere("DELETE", f"/conversations/{sender}")
        failed = [name for name, answer in zip(self.names, answers, strict=True) if answer is None]
        if len(failed) == len(self.names) or (failed and not self._shared_store):
            raise RasaUnavailable("not deleted on " + ", ".join(failed))

    async def has_conversation(self, sender: str) -> bool:
        path = f"/conversations/{sender}"
        if self._shared_store:  # the home replica answers for all of them
            return _exists(await self._first_answer(sender, "GET", path, LOOKUP_SECONDS))
        found = [_exists(a) for a in await self._everywhere("GET", path) if a is not None]
        if not found:
            raise RasaUnavailable("no replica answered")
        return any(found)

    async def health(self) -> dict[str, bool]:
        """Each replica by name (`rasa`, or `rasa-1`, `rasa-2`...): up or not."""
        answers = await self._everywhere("GET", "/")
        return {name: answer is not None for name, answer in zip(self.names, answers, strict=True)}

    async def healthy(self) -> bool:
        return all((await self.health()).values())

    async def aclose(self) -> None:
        await self._own_transport.aclose()

    async def _call(
        self, index: int, method: str, path: str, seconds: float, body: Any = None
    ) -> Answer:
        """One replica's successful answer, within `seconds`; RasaUnavailable otherwise."""
        url = self.urls[index] + CHANNEL_PATH + path
        try:
            # the whole call, waiting for a free connection included
            response = await asyncio.wait_for(
                self._transport(method, url, self._headers, body), seconds
            )
        except (Refused, CallFailed, asyncio.TimeoutError) as error:
            if isinstance(error, Refused):
                self._down_until[index] = asyncio.get_running_loop().time() + DOWN_SECONDS
            reason = str(error) if isinstance(error, Refused | CallFailed) else "timeout"
            raise RasaUnavailable(f"{self.names[index]}: {reason}") from error
        self._down_until[index] = 0.0
        if response.is_error:
            raise RasaUnavailable(f"{self.names[index]}: HTTP {response.status}")
        return response

    async def _first_answer(
        self, sender: str, method: str, path: str, budget: float, body: Any = None
    ) -> Answer:
        """The sender's replicas in order until one answers, within `budget` seconds in all.

        Each try gets the time left less a reserve for each replica after it that is up
        (equal shares when the budget is too short for that), so a replica that hangs
        costs at most its share and the next one still has time to answer. A refused
        connection costs nothing, and that replica is tried last for a few seconds.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + budget
        order = replica_order(sender, self.urls)
        up = [i for i in order if self._down_until[i] <= loop.time()]
        order = up + [i for i in order if i not in up]  # down ones last: they may be back
        failures: list[str] = []
        for position, index in enumerate(order):
            left = deadline - loop.time()
            if left <= 0:
                break
            after = max(len(up) - position - 1, 0)  # replicas still to try that are up
            share = max(left - FAILOVER_RESERVE_SECONDS * after, left / (after + 1))
            try:
                return await self._call(index, method, path, share, body)
            except RasaUnavailable as error:
                failures.append(str(error))
                if position + 1 < len(order):
                    # names and reasons only: never the sender, never the text
                    logger.warning("%s; trying the next replica", error)
        raise RasaUnavailable("; ".join(failures) or "no time left")

    async def _everywhere(self, method: str, path: str) -> list[Answer | None]:
        """Every replica at once: each one's response, or None where it failed."""

        async def attempt(index: int) -> Answer | None:
            try:
                return await self._call(index, method, path, LOOKUP_SECONDS)
            except RasaUnavailable:
                return None

        return list(await asyncio.gather(*(attempt(i) for i in range(len(self.urls)))))


def _exists(response: Answer) -> bool:
    try:
        return bool(response.json().get("exists"))
    except (ValueError, AttributeError) as error:
        raise RasaUnavailable("unreadable answer") from error


def _reply(message: dict) -> Reply:
    buttons = [
        Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
        for b in message.get("buttons") or []
        if isinstance(b, dict)
    ]
    return Reply(text=str(message["text"]), buttons=buttons)
