"""The real stack for end-to-end tests: `scripts/supervise.py` starting the gateway, Rasa and
the action server on free loopback ports, with a fresh SQLite directory. Started once per
test session (Rasa takes ~20 s to load); its whole output is kept for the log checks.
`supervised` starts other shapes of the stack (test_scale_out.py: replicas, Redis, PostgreSQL).
Starting, watching and stopping it is bench/stack.py's, shared with the benchmark."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

import bench.stack
from api.privacy import pseudonym

PSEUDONYM_KEY = "e2e-test-pseudonym-key"
TWILIO_TOKEN = "e2e-test-twilio-token"


@dataclass
class Stack(bench.stack.Stack):
    """With what the tests need to know: the directory, the keys of pseudonyms and Twilio."""

    database_url: str = ""
    twilio_token: str = TWILIO_TOKEN

    def sender(self, channel: str, raw_id: str) -> str:
        return pseudonym(PSEUDONYM_KEY, channel, raw_id)

    def services(self) -> list[dict]:
        """Every service record the directory API lists, in its ranking order."""
        response = httpx.get(f"{self.base_url}/services", params={"per_page": 100}, timeout=10)
        assert response.status_code == 200
        return response.json()["contents"]

    def has_conversation(self, session_id: str, channel: str = "web") -> bool:
        url = f"{self.rasa_url}/webhooks/gateway/conversations/{self.sender(channel, session_id)}"
        return bool(httpx.get(url, timeout=5).json()["exists"])


@contextlib.contextmanager
def supervised(env: dict[str, str], workdir: Path, timeout: float = 180) -> Iterator[Stack]:
    """The supervisor with `env` (PORT and RASA_URL set), healthy; stopped on the way out."""
    stack = Stack.start(env, workdir, database_url=env.get("DATABASE_URL", ""))
    try:
        stack.wait_healthy(timeout)
        yield stack
    finally:
        stack.stop()


def stack_env(port: int, internal: int, rasa: int, actions: int, **extra: str) -> dict[str, str]:
    """The supervisor's environment on these loopback ports; `extra` adds to it."""
    env = dict(
        os.environ,
        PORT=str(port),
        INTERNAL_PORT=str(internal),
        RASA_URL=f"http://127.0.0.1:{rasa}",
        ACTIONS_URL=f"http://127.0.0.1:{actions}",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        PSEUDONYM_KEY=PSEUDONYM_KEY,
    )
    env.pop("REDIS_URL", None)
    env.pop("RASA_REPLICAS", None)
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("stack")
    port, internal, rasa, actions = (bench.stack.free_port() for _ in range(4))
    env = stack_env(
        port,
        internal,
        rasa,
        actions,
        DATABASE_URL=f"sqlite:///{workdir / 'directory.sqlite3'}",
        EXIT_URL=f"http://127.0.0.1:{port}/healthz",
    )
    with supervised(env, workdir) as running:
        yield running
