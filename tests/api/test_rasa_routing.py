"""Routing conversations over Rasa replicas: stickiness, spread, failover, the time budget,
forgetting everywhere. Fake replicas behind a fake transport, told apart by host (httpx's
Request and Response are the fakes' vocabulary); the real aiohttp transport against real
servers at the end."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import Callable

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from api import rasa_client
from api.main import create_app
from api.rasa_client import Answer, CallFailed, RasaClient, RasaUnavailable, Refused, replica_order
from api.settings import Settings

URLS = ["http://rasa-a:5005", "http://rasa-b:5005", "http://rasa-c:5005"]
HELLO = [{"recipient_id": "x", "text": "Hello"}]


class Replicas:
    """Fake replicas by host: each answers, fails in a given way, or hangs."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []  # (host, method, path)
        self.behaviour: dict[str, Callable[[httpx.Request], object]] = {}
        self.known: dict[str, set[str]] = {}
        self.turns: list[tuple[str, str]] = []  # (host, sender) of each message taken

    async def handle(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        self.calls.append((host, request.method, request.url.path))
        behaviour = self.behaviour.get(host)
        if behaviour is not None:
            result = behaviour(request)
            if asyncio.iscoroutine(result):
                result = await result
            if isinstance(result, httpx.Response):
                return result
        known = self.known.setdefault(host, set())
        path = request.url.path.removeprefix("/webhooks/gateway")
        if request.method == "POST" and path == "/webhook":
            sender = json.loads(request.content)["sender"]
            known.add(sender)
            self.turns.append((host, sender))
            return httpx.Response(200, json=HELLO)
        if path.startswith("/conversations/"):
            sender = path.rsplit("/", 1)[1]
            if request.method == "DELETE":
                known.discard(sender)
                return httpx.Response(204)
            return httpx.Response(200, json={"exists": sender in known})
        return httpx.Response(200, json={"status": "ok"})

    def hosts(self, method: str = "POST") -> list[str]:
        return [host for host, m, _ in self.calls if m == method]


def refused(request: httpx.Request) -> None:
    raise httpx.ConnectError("connection refused", request=request)


def read_timeout(request: httpx.Request) -> None:
    raise httpx.ReadTimeout("timed out", request=request)


async def hang(request: httpx.Request) -> None:
    await asyncio.sleep(60)


def status(code: int) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(code, json={"error": "failed"})


FAILURES = {
    "connection refused": refused,
    "read timeout": read_timeout,
    "hangs past its share": hang,
    "500": status(500),
    "503": status(503),
    "404": status(404),
}


def fake_transport(handle: Callable[[httpx.Request], object]) -> rasa_client.Transport:
    """RasaClient's transport over a fake: refusals and other failures as the real one says."""

    async def transport(method, url, headers, body) -> Answer:
        request = httpx.Request(method, url, headers=headers, json=body)
        try:
            response = handle(request)
            if asyncio.iscoroutine(response):
                response = await response
        except httpx.ConnectError as error:
            raise Refused("ClientConnectorError") from error
        except httpx.HTTPError as error:
            raise CallFailed(type(error).__name__) from error
        return Answer(response.status_code, response.content)

    return transport


@pytest.fixture
def replicas() -> Replicas:
    return Replicas()


def client(
    replicas: Replicas, urls=URLS[:2], timeout: float = 2.0, shared: bool = True, token=None
) -> RasaClient:
    return RasaClient(
        urls, timeout, token, shared_store=shared, transport=fake_transport(replicas.handle)
    )


def home(sender: str, urls=URLS[:2]) -> str:
    return httpx.URL(urls[replica_order(sender, urls)[0]]).host


def second(sender: str, urls=URLS[:2]) -> str:
    return httpx.URL(urls[replica_order(sender, urls)[1]]).host


def test_the_order_is_every_replica_once_and_the_same_each_time():
    for n in range(200):
        order = replica_order(f"web-{n}", URLS)
        assert sorted(order) == [0, 1, 2]
        assert replica_order(f"web-{n}", URLS) == order


def test_conversations_spread_evenly_over_the_replicas():
    homes = Counter(replica_order(f"sms-{n:05d}", URLS)[0] for n in range(3000))
    assert all(850 < homes[i] < 1150 for i in range(3)), homes


def test_adding_a_replica_moves_only_the_conversations_it_takes():
    senders = [f"web-{n}" for n in range(2000)]
    before = {s: URLS[replica_order(s, URLS[:2])[0]] for s in senders}
    after = {s: URLS[replica_order(s, URLS)[0]] for s in senders}
    moved = [s for s in senders if before[s] != after[s]]
    assert all(after[s] == URLS[2] for s in moved)
    assert 500 < len(moved) < 830  # about a third


async def test_every_turn_of_a_conversation_goes_to_its_own_replica(replicas):
    rasa = client(replicas)
    senders = [f"web-{n}" for n in range(20)]
    for _ in range(3):
        for sender in senders:
            await rasa.send(sender, "hello", "web")
    assert len(replicas.turns) == 60
    for sender in senders:
        assert {host for host, s in replicas.turns if s == sender} == {home(sender)}
    assert {host for host, _ in replicas.turns} == {"rasa-a", "rasa-b"}  # both have work


@pytest.mark.parametrize("failure", FAILURES)
async def test_a_failing_replica_hands_the_turn_to_the_next(replicas, failure):
    sender = "web-failover"
    replicas.behaviour[home(sender)] = FAILURES[failure]
    rasa = client(replicas, timeout=1.0)
    started = time.monotonic()
    replies = await rasa.send(sender, "hello", "web")
    assert [r.text for r in replies] == ["Hello"]
    assert replicas.hosts() == [home(sender), second(sender)]
    assert time.monotonic() - started < 0.9  # a hanging replica gets only its share


async def test_a_hanging_replica_costs_its_share_not_a_full_timeout(replicas):
    sender = "sms-slow"
    replicas.behaviour[home(sender)] = hang
    rasa = client(replicas, timeout=0.6)
    started = time.monotonic()
    await rasa.send(sender, "hello", "sms")
    assert 0.25 < time.monotonic() - started < 0.5  # half of 0.6 s, then a fast answer


async def test_the_home_replica_gets_the_budget_less_a_reserve_for_the_others(
    replicas, monkeypatch
):
    monkeypatch.setattr(rasa_client, "FAILOVER_RESERVE_SECONDS", 0.2)
    sender = "web-reserve"

    async def slow_answer(request: httpx.Request) -> None:
        await asyncio.sleep(0.6)  # slow, but within the home's 0.8 s: no failover

    replicas.behaviour[home(sender)] = slow_answer
    rasa = client(replicas, timeout=1.0)
    await rasa.send(sender, "hello", "web")
    assert replicas.hosts() == [home(sender)]
    replicas.behaviour[home(sender)] = hang
    started = time.monotonic()
    await rasa.send(sender, "hello", "web")
    assert 0.75 < time.monotonic() - started < 0.95  # 0.8 s at home, then a fast answer
    assert replicas.hosts()[-2:] == [home(sender), second(sender)]


async def test_a_replica_that_refused_is_tried_last_and_the_others_get_the_budget(
    replicas, monkeypatch
):
    monkeypatch.setattr(rasa_client, "FAILOVER_RESERVE_SECONDS", 0.5)
    monkeypatch.setattr(rasa_client, "DOWN_SECONDS", 1.7)
    sender = "web-home-down"
    replicas.behaviour[home(sender)] = refused
    rasa = client(replicas, timeout=1.0)
    await rasa.send(sender, "hello", "web")
    assert replicas.hosts() == [home(sender), second(sender)]

    async def slow_answer(request: httpx.Request) -> None:
        await asyncio.sleep(0.7)  # more than the 0.5 s a reserve would leave it

    replicas.behaviour[second(sender)] = slow_answer
    await rasa.send(sender, "hello", "web")  # the home is not tried while it is down...
    assert replicas.hosts()[2:] == [second(sender)]
    other = "web-other-home"  # ...and a conversation at home there gets the whole budget
    assert home(other) == second(sender)
    await rasa.send(other, "hello", "web")
    assert replicas.hosts()[3:] == [second(sender)]
    await asyncio.sleep(0.4)  # 1.7 s after the refusal
    replicas.behaviour.clear()  # back: the conversation goes home again
    await rasa.send(sender, "hello", "web")
    assert replicas.hosts()[-1] == home(sender)


async def test_all_replicas_hanging_ends_within_the_one_budget(replicas):
    for host in ("rasa-a", "rasa-b", "rasa-c"):
        replicas.behaviour[host] = hang
    rasa = client(replicas, urls=URLS, timeout=0.6)
    started = time.monotonic()
    with pytest.raises(RasaUnavailable):
        await rasa.send("web-all-down", "hello", "web")
    assert time.monotonic() - started < 0.75
    assert len(replicas.hosts()) == 3  # each replica had a try within the budget


async def test_a_refused_replica_leaves_the_whole_budget_to_the_next(replicas):
    sender = "web-refused"
    replicas.behaviour[home(sender)] = refused

    async def slow_answer(request: httpx.Request) -> None:
        await asyncio.sleep(0.4)  # more than half the budget, less than all of it

    replicas.behaviour[second(sender)] = slow_answer
    replies = await client(replicas, timeout=0.6).send(sender, "hello", "web")
    assert replies[0].text == "Hello"


async def test_a_replica_that_answered_with_nothing_is_not_asked_again_elsewhere(replicas):
    """It took the message: another replica would run the same turn a second time."""
    sender = "web-empty"
    replicas.behaviour[home(sender)] = lambda request: httpx.Response(200, json=[])
    with pytest.raises(RasaUnavailable):
        await client(replicas).send(sender, "hello", "web")
    assert replicas.hosts() == [home(sender)]


async def test_one_url_works_as_before(replicas):
    rasa = client(replicas, urls="http://rasa-a:5005/", token="secret")
    assert rasa.names == ["rasa"]
    await rasa.send("web-1", "hello", "web")
    assert replicas.calls == [("rasa-a", "POST", "/webhooks/gateway/webhook")]
    assert await rasa.health() == {"rasa": True}
    replicas.behaviour["rasa-a"] = refused
    with pytest.raises(RasaUnavailable):
        await rasa.send("web-1", "hello", "web")


async def test_the_channel_token_goes_to_every_replica():
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        return httpx.Response(200, json=HELLO)

    rasa = RasaClient(URLS, 1.0, "secret", transport=fake_transport(handler))
    await rasa.send("web-1", "hello", "web")
    await rasa.health()
    assert seen == ["Bearer secret"] * 4


async def test_failover_logs_name_the_replica_never_the_sender(replicas, caplog):
    sender = "web-private-sender-id"
    replicas.behaviour[home(sender)] = refused
    with caplog.at_level(logging.WARNING, logger="api.rasa"):
        await client(replicas).send(sender, "my private words", "web")
    assert home(sender) not in caplog.text  # the host is not logged either
    assert "rasa-1" in caplog.text or "rasa-2" in caplog.text
    assert sender not in caplog.text and "private words" not in caplog.text


async def test_in_memory_forget_deletes_on_every_replica(replicas):
    rasa = client(replicas, urls=URLS, shared=False)
    sender = "web-forget"
    replicas.known = {host: {sender} for host in ("rasa-a", "rasa-b", "rasa-c")}
    assert await rasa.has_conversation(sender)
    await rasa.forget(sender)
    assert sorted(replicas.hosts("DELETE")) == ["rasa-a", "rasa-b", "rasa-c"]
    assert not await rasa.has_conversation(sender)


async def test_in_memory_forget_says_so_when_a_replica_could_not_delete(replicas):
    replicas.behaviour["rasa-b"] = hang
    rasa = client(replicas, urls=URLS, shared=False)
    started = time.monotonic()
    with pytest.raises(RasaUnavailable, match="rasa-2"):
        await rasa.forget("web-forget")
    assert time.monotonic() - started < 2.5  # all at once, each within the lookup time


async def test_in_memory_a_conversation_on_any_replica_exists(replicas):
    sender = "sms-moved"
    replicas.known = {second(sender, URLS): {sender}}
    assert await client(replicas, urls=URLS, shared=False).has_conversation(sender)


async def test_with_a_shared_store_one_deletion_is_enough(replicas):
    sender = "web-shared"
    replicas.behaviour[home(sender)] = refused
    rasa = client(replicas, shared=True)
    await rasa.forget(sender)  # no error: the other replica deleted it from Redis
    assert sorted(replicas.hosts("DELETE")) == ["rasa-a", "rasa-b"]
    replicas.behaviour[second(sender)] = status(500)
    with pytest.raises(RasaUnavailable):
        await rasa.forget(sender)


async def test_with_a_shared_store_the_home_replica_answers_if_it_exists(replicas):
    sender = "sms-shared"
    replicas.known = {home(sender): {sender}}
    rasa = client(replicas, shared=True)
    assert await rasa.has_conversation(sender)
    assert replicas.hosts("GET") == [home(sender)]
    replicas.behaviour[home(sender)] = refused
    replicas.known[second(sender)] = {sender}  # the same Redis behind both
    assert await rasa.has_conversation(sender)
    assert replicas.hosts("GET")[-2:] == [home(sender), second(sender)]


async def test_health_names_each_replica(replicas):
    replicas.behaviour["rasa-b"] = refused
    rasa = client(replicas, urls=URLS)
    assert await rasa.health() == {"rasa-1": True, "rasa-2": False, "rasa-3": True}
    assert not await rasa.healthy()


def test_healthz_reports_each_rasa_replica_and_action_server(replicas):
    settings = Settings(
        rasa_url=",".join(URLS[:2]),
        actions_url="http://actions-a:5055, http://actions-b:5055",
        _env_file=None,
    )
    assert settings.rasa_urls == URLS[:2]
    app = create_app(settings, sessionmaker(create_engine("sqlite://")))
    app.state.rasa = client(replicas)
    replicas.behaviour["rasa-b"] = refused

    def actions(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200 if request.url.host == "actions-a" else 502)

    with TestClient(app) as test_client:
        app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(actions))
        response = test_client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["components"] == {
        "rasa-1": "up",
        "rasa-2": "down",
        "actions-1": "up",
        "actions-2": "down",
        "directory": "up",
    }
    assert body["down"] == ["actions-2", "rasa-2"]


def test_settings_need_at_least_one_rasa_url():
    with pytest.raises(ValidationError):
        Settings(rasa_url=" , ", _env_file=None)
    assert Settings(rasa_url="http://a:1/, http://b:2,", _env_file=None).rasa_urls == [
        "http://a:1",
        "http://b:2",
    ]


# The real transport: aiohttp against real servers on loopback --------------------------


def _rasa(seen: list, delay: float = 0.0) -> TestServer:
    """A stand-in Rasa: answers the channel's webhook, notes each call's peer and headers, and
    how many calls it was working on at once."""
    busy = [0]

    async def webhook(request: web.Request) -> web.Response:
        busy[0] += 1
        seen.append((request.transport.get_extra_info("peername"), request.headers, busy[0]))
        await asyncio.sleep(delay)
        busy[0] -= 1
        return web.json_response(HELLO)

    async def health(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application()
    app.router.add_post("/webhooks/gateway/webhook", webhook)
    app.router.add_get("/webhooks/gateway/", health)
    return TestServer(app, host="127.0.0.1")


async def test_connections_are_kept_and_the_token_is_sent():
    seen: list = []
    async with _rasa(seen) as server:
        rasa = RasaClient(str(server.make_url("")), 2.0, "secret")
        try:
            for n in range(3):
                assert [r.text for r in await rasa.send(f"web-{n}", "hello", "web")] == ["Hello"]
        finally:
            await rasa.aclose()
    assert len({peer for peer, _, _ in seen}) == 1  # one connection for three messages
    assert all(headers["Authorization"] == "Bearer secret" for _, headers, _ in seen)


async def test_at_most_the_set_number_of_messages_reach_a_replica_at_once():
    seen: list = []
    async with _rasa(seen, delay=0.02) as server:
        rasa = RasaClient(str(server.make_url("")), 5.0, connections_per_replica=3)
        try:
            sends = [rasa.send(f"web-{n}", "hello", "web") for n in range(20)]
            answers = await asyncio.gather(*sends)
        finally:
            await rasa.aclose()
    assert all(a[0].text == "Hello" for a in answers)  # the others waited their turn
    assert max(busy for _, _, busy in seen) == 3
    assert len({peer for peer, _, _ in seen}) == 3


async def test_a_replica_nothing_listens_on_is_refused_and_the_next_answers():
    seen: list = []
    async with _rasa(seen) as server:
        closed = TestServer(web.Application(), host="127.0.0.1")
        await closed.start_server()
        down_url = str(closed.make_url("")).rstrip("/")
        await closed.close()  # its port now refuses connections
        urls = [down_url, str(server.make_url("")).rstrip("/")]
        sender = next(f"web-{n}" for n in range(100) if replica_order(f"web-{n}", urls)[0] == 0)
        rasa = RasaClient(urls, 2.0)
        try:
            assert (await rasa.send(sender, "hello", "web"))[0].text == "Hello"
            assert await rasa.health() == {"rasa-1": False, "rasa-2": True}
        finally:
            await rasa.aclose()
    assert len(seen) == 1
