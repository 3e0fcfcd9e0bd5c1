"""The real stack for end-to-end tests: `scripts/supervise.py` starting the gateway, Rasa and
the action server on free loopback ports, with a fresh SQLite directory. Started once per
test session (Rasa takes ~20 s to load); its whole output is kept for the log checks.
`supervised` starts other shapes of the stack (test_scale_out.py: replicas, Redis, PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from api.privacy import pseudonym

ROOT = Path(__file__).resolve().parents[2]
PSEUDONYM_KEY = "e2e-test-pseudonym-key"
TWILIO_TOKEN = "e2e-test-twilio-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    base_url: str
    rasa_url: str
    log_path: Path
    process: subprocess.Popen
    database_url: str = ""
    twilio_token: str = TWILIO_TOKEN

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pid_of(self, name: str) -> int:
        pids = re.findall(
            rf"\[supervisor\] (?:started {name}|{name} restarted) \(pid (\d+)\)", self.log_text()
        )
        return int(pids[-1])

    def kill(self, name: str) -> None:
        os.killpg(self.pid_of(name), signal.SIGKILL)

    def wait_healthy(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("supervisor exited:\n" + self.log_text()[-3000:])
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError("stack not healthy:\n" + self.log_text()[-3000:])

    def sender(self, channel: str, raw_id: str) -> str:
        return pseudonym(PSEUDONYM_KEY, channel, raw_id)

    def has_conversation(self, session_id: str, channel: str = "web") -> bool:
        url = f"{self.rasa_url}/webhooks/gateway/conversations/{self.sender(channel, session_id)}"
        return bool(httpx.get(url, timeout=5).json()["exists"])


@contextlib.contextmanager
def supervised(env: dict[str, str], workdir: Path, timeout: float = 180) -> Iterator[Stack]:
    """The supervisor with `env` (PORT and RASA_URL set), healthy; stopped on the way out."""
    log_path = workdir / "stack.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "scripts" / "supervise.py")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    stack = Stack(
        f"http://127.0.0.1:{env['PORT']}",
        env["RASA_URL"],
        log_path,
        process,
        database_url=env.get("DATABASE_URL", ""),
    )
    try:
        stack.wait_healthy(timeout)
        yield stack
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


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
    port, internal, rasa, actions = (free_port() for _ in range(4))
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
