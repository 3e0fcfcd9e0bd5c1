"""Scale-out on this machine: the supervisor with two Rasa replicas and two action servers,
conversations in the local Redis, the directory in the local PostgreSQL.

A conversation whose replica is killed between two turns goes on at the other replica with
its state (the abuse type it was about) read back from Redis; the directory is untouched by
Rasa and action-server restarts. Startup loads the model twice on 2 cores: ~60-70 s.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from api.rasa_client import replica_order
from api.settings import Settings
from bench.stack import free_port
from tests.e2e.conftest import Stack, stack_env, supervised

pytestmark = [pytest.mark.e2e, pytest.mark.redis, pytest.mark.postgres]

REPLICAS = 2
REDIS = ("127.0.0.1", 6379)
# A Redis database of its own; conversations are random, and only ours are deleted after.
REDIS_DB = 13
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
TRACKER_KEY = "vawg:tracker:"  # key_prefix `vawg` in bot/endpoints.redis.yml


def unavailable(what: str, error: Exception) -> None:
    """Missing services fail the run in CI, and only skip on a developer's machine."""
    message = f"{what} is not reachable ({type(error).__name__})"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def is_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def free_ports(count: int) -> int:
    """The first of `count` consecutive free loopback ports (the supervisor uses port + i)."""
    for _ in range(100):
        first = free_port()
        try:
            for port in range(first + 1, first + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError("no run of free ports")


@dataclass
class Scaled:
    stack: Stack
    redis: object  # redis.Redis on REDIS_DB
    rasa_ports: list[int]
    directory_before: dict[str, dict]
    senders: list[str] = field(default_factory=list)  # deleted from Redis at the end


@pytest.fixture(scope="module")
def redis_db() -> Iterator:
    import redis

    client = redis.Redis(*REDIS, db=REDIS_DB)
    try:
        client.ping()
    except redis.RedisError as error:
        unavailable("Redis on 127.0.0.1:6379", error)
    yield client
    client.close()


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    import psycopg

    name = f"vawg_scale_test_{secrets.token_hex(6)}"
    try:
        admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.Error as error:
        unavailable("PostgreSQL on 127.0.0.1:5432", error)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{POSTGRES}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def scaled(tmp_path_factory, redis_db, database_url) -> Iterator[Scaled]:
    workdir: Path = tmp_path_factory.mktemp("scaled")
    port, internal = free_port(), free_port()
    rasa, actions = free_ports(REPLICAS), free_ports(REPLICAS)
    env = stack_env(
        port,
        internal,
        rasa,
        actions,
        RASA_REPLICAS=str(REPLICAS),
        REDIS_URL=f"redis://{REDIS[0]}:{REDIS[1]}/{REDIS_DB}",
        DATABASE_URL=database_url,
    )
    with supervised(env, workdir, timeout=300) as stack:
        ports = [rasa + i for i in range(REPLICAS)]
        run = Scaled(stack, redis_db, ports, directory(stack))
        try:
            yield run
        finally:
            if run.senders:
                redis_db.delete(*(TRACKER_KEY + sender for sender in run.senders))


def directory(stack: Stack) -> dict[str, dict]:
    """Every service record by id (the order is a ranking, which may change with the time)."""
    return {service["id"]: service for service in stack.services()}


class Conversation:
    def __init__(self, scaled: Scaled, home: int | None = None) -> None:
        """A new web conversation; with `home`, one whose replica is rasa-<home + 1>."""
        urls = [f"http://127.0.0.1:{port}" for port in scaled.rasa_ports]
        while True:
            self.session = secrets.token_urlsafe(24)
            self.sender = scaled.stack.sender("web", self.session)
            self.order = replica_order(self.sender, urls)  # as the gateway routes it
            if home is None or self.order[0] == home:
                break
        self.scaled = scaled
        scaled.senders.append(self.sender)

    def replica(self, position: int = 0) -> tuple[str, int]:
        """Name and port of the replica at `position` in this conversation's order."""
        index = self.order[position]
        return f"rasa-{index + 1}", self.scaled.rasa_ports[index]

    def say(self, message: str) -> str:
        response = httpx.post(
            f"{self.scaled.stack.base_url}/api/chat",
            json={"session": self.session, "message": message},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return "\n".join(reply["text"] for reply in response.json()["replies"])

    def stored(self) -> dict | None:
        value = self.scaled.redis.get(TRACKER_KEY + self.sender)
        return json.loads(value) if value else None

    def slot(self, name: str) -> object:
        events = (self.stored() or {"events": []})["events"]
        values = [e["value"] for e in events if e["event"] == "slot" and e["name"] == name]
        return values[-1] if values else None


def services_named(text: str, services: dict[str, dict]) -> set[str]:
    return {service["name"] for service in services.values() if service["name"] in text}


def coercive_control_services(stack: Stack) -> dict[str, dict]:
    response = httpx.get(
        f"{stack.base_url}/services",
        params={"abuse_type": "coercive_control", "per_page": 100},
        timeout=10,
    )
    return {service["id"]: service for service in response.json()["contents"]}


def about_coercive_control(text: str, stack: Stack) -> bool:
    """Names services from the directory, and only ones for coercive control."""
    named = services_named(text, directory(stack))
    return bool(named) and named <= services_named(text, coercive_control_services(stack))


def test_every_replica_and_action_server_runs_and_is_reported(scaled):
    health = httpx.get(f"{scaled.stack.base_url}/healthz", timeout=10).json()
    assert health["components"] == {
        "rasa-1": "up",
        "rasa-2": "up",
        "actions-1": "up",
        "actions-2": "up",
        "directory": "up",
        "redis": "up",
    }
    for name in ("gateway", "rasa-1", "rasa-2", "actions-1", "actions-2"):
        assert scaled.stack.pid_of(name)


def test_a_conversation_goes_on_at_the_other_replica_when_its_own_is_killed(scaled):
    stack, talk = scaled.stack, Conversation(scaled)
    home, home_port = talk.replica(0)
    assert "coercive control" in talk.say("what is coercive control").lower()
    assert talk.slot("abuse_type") == "coercive_control"  # the state is in Redis
    assert 0 < scaled.redis.ttl(TRACKER_KEY + talk.sender) <= 1800  # with its expiry

    stack.kill(home)
    deadline = time.monotonic() + 10
    while is_open(home_port) and time.monotonic() < deadline:
        time.sleep(0.1)
    started = time.monotonic()
    text = talk.say("who can help me")
    took = time.monotonic() - started
    # its own replica is still down (reloading the model takes ~30 s): the other answered
    assert not is_open(home_port)
    assert took < Settings(_env_file=None).rasa_timeout_seconds / 2, took
    # a real answer from the directory, not the safety message, and one that knew what
    # the conversation was about: the slot came back from Redis
    assert about_coercive_control(text, stack), text
    health = httpx.get(f"{stack.base_url}/healthz", timeout=10)
    assert health.status_code == 503 and health.json()["down"] == [home]

    stack.wait_healthy(timeout=180)  # the supervisor restarts it and it loads again
    assert f"[supervisor] {home} restarted" in stack.log_text()
    # back at its own replica, still about the same thing
    assert about_coercive_control(talk.say("who can help me"), stack)
    said = [e["text"] for e in talk.stored()["events"] if e["event"] == "user"]
    assert said == ["what is coercive control", "who can help me", "who can help me"]


def test_quick_exit_deletes_the_conversation_from_redis(scaled):
    talk = Conversation(scaled)
    talk.say("hello")
    assert talk.stored() is not None
    response = httpx.delete(f"{scaled.stack.base_url}/api/chat/{talk.session}", timeout=10)
    assert response.status_code == 204
    assert talk.stored() is None


def test_the_directory_is_unchanged_after_rasa_and_action_server_restarts(scaled):
    """Last: a Rasa replica was restarted above; now an action server too."""
    stack = scaled.stack
    stack.kill("actions-1")
    time.sleep(0.5)
    stack.wait_healthy(timeout=60)
    assert "[supervisor] actions-1 restarted" in stack.log_text()
    assert directory(stack) == scaled.directory_before
    some_id, record = next(iter(scaled.directory_before.items()))
    one = httpx.get(f"{stack.base_url}/services/{some_id}", timeout=10)
    assert one.status_code == 200 and one.json() == record
    # the restarted action server (rasa-1's own) reads the directory again
    talk = Conversation(scaled, home=0)
    talk.say("what is coercive control")
    assert about_coercive_control(talk.say("who can help me"), stack)
