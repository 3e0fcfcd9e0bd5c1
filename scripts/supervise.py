"""Starts the gateway, the Rasa server and the action server, and keeps them running.

Each process's output is shown with its name in front. A process that exits is reported
and restarted (with a pause that grows if it keeps failing). Ctrl-C stops them all.
Ports come from the same variables the gateway reads: PORT, INTERNAL_PORT, RASA_URL,
ACTIONS_URL. Runs with the standard library only.

Scale-out: RASA_REPLICAS=N (needs REDIS_URL) starts N Rasa servers `rasa-1`..`rasa-N` on
RASA_URL's port + 0..N-1, each with its own action server `actions-i` on ACTIONS_URL's
port + i-1, and gives the gateway the lists of both. See docs/scale-out.md.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RASA_BIN = ROOT / ".venv-rasa" / "bin"
API_PYTHON = ROOT / ".venv" / "bin" / "python"
MODEL = Path(os.environ.get("RASA_MODEL", ROOT / "models" / "vawg.tar.gz"))


def load_dotenv(path: Path) -> None:
    """Values from .env, for the variables not already set in the environment."""
    if not path.exists():
        return
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip().strip("'\""))


class ConfigError(Exception):
    """A setting the supervisor cannot start with; the message says what to change."""


def port_of(url: str, default: int) -> int:
    return urlsplit(url).port or default


def numbered(prefix: str, count: int) -> list[str]:
    """`rasa` alone, or `rasa-1`, `rasa-2`...: the names the gateway's /healthz uses too."""
    return [prefix] if count == 1 else [f"{prefix}-{i}" for i in range(1, count + 1)]


def replica_count(env: dict[str, str]) -> int:
    value = env.get("RASA_REPLICAS", "1")
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"RASA_REPLICAS must be a whole number from 1 (it is {value!r})")
    count = int(value)
    if count > 1 and not env.get("REDIS_URL"):
        raise ConfigError(
            f"RASA_REPLICAS={count} needs REDIS_URL: without Redis each Rasa keeps its "
            "conversations in its own memory, so no other replica could continue them. "
            "Set REDIS_URL (e.g. redis://127.0.0.1:6379/0) or leave RASA_REPLICAS at 1."
        )
    for name in ("RASA_URL", "ACTIONS_URL"):
        if "," in env[name]:
            raise ConfigError(
                f"give {name} one URL and set RASA_REPLICAS: the supervisor starts the "
                "replicas itself, on that URL's port + 0, 1..."
            )
    return count


def replica_urls(url: str, default_port: int, count: int) -> list[str]:
    """The URL itself for one replica; loopback URLs on port, port + 1... for several."""
    if count == 1:
        return [url]
    port = port_of(url, default_port)
    return [f"http://127.0.0.1:{port + i}" for i in range(count)]


def commands() -> dict[str, tuple[list[str], dict[str, str]]]:
    env = dict(os.environ)
    env.setdefault("RASA_URL", "http://127.0.0.1:5005")
    env.setdefault("ACTIONS_URL", "http://127.0.0.1:5055")
    internal_port = env.setdefault("INTERNAL_PORT", "8001")
    env.setdefault("DIRECTORY_URL", f"http://127.0.0.1:{internal_port}")
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONUNBUFFERED"] = "1"
    count = replica_count(env)
    endpoints = "bot/endpoints.yml"
    if env.get("REDIS_URL"):
        redis = urlsplit(env["REDIS_URL"])
        env.setdefault("REDIS_HOST", redis.hostname or "127.0.0.1")
        env.setdefault("REDIS_PORT", str(redis.port or 6379))
        env.setdefault("REDIS_DB", (redis.path or "/0").lstrip("/") or "0")
        env.setdefault("CONVERSATION_TTL_SECONDS", "1800")
        # Rasa's lock on a conversation, in Redis, outlives a replica that dies holding it:
        # with the default 60 s the conversation would stall on the other replicas for a
        # minute. 5 s lets the turn that was in flight finish elsewhere within the
        # gateway's 8 s; a turn is rarely that slow (p99 ~3.5 s measured under load).
        env.setdefault("TICKET_LOCK_LIFETIME", "5")
        endpoints = "bot/endpoints.redis.yml"
    rasa_urls = replica_urls(env["RASA_URL"], 5005, count)
    actions_urls = replica_urls(env["ACTIONS_URL"], 5055, count)
    # the gateway routes over every replica and checks every action server
    env["RASA_URL"], env["ACTIONS_URL"] = ",".join(rasa_urls), ",".join(actions_urls)
    found: dict[str, tuple[list[str], dict[str, str]]] = {
        "gateway": ([str(API_PYTHON), "-m", "api"], env)
    }
    actions_env = dict(env, SANIC_HOST="127.0.0.1")
    for name, url in zip(numbered("actions", count), actions_urls, strict=True):
        found[name] = (
            [
                str(RASA_BIN / "python"),
                "-m",
                "rasa_sdk",
                "--actions",
                "actions",
                "--port",
                str(port_of(url, 5055)),
            ],
            actions_env,
        )
    # each Rasa replica calls its own action server: one failing touches only its replica
    for name, url, actions_url in zip(
        numbered("rasa", count), rasa_urls, actions_urls, strict=True
    ):
        found[name] = (
            [
                str(RASA_BIN / "rasa"),
                "run",
                "--model",
                str(MODEL),
                "--interface",
                "127.0.0.1",
                "--port",
                str(port_of(url, 5005)),
                "--credentials",
                "bot/credentials.yml",
                "--endpoints",
                endpoints,
            ],
            dict(env, ACTIONS_URL=actions_url),
        )
    return found


@dataclass
class Child:
    name: str
    argv: list[str]
    env: dict[str, str]
    process: subprocess.Popen | None = None
    failures: list[float] = field(default_factory=list)

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        threading.Thread(target=self._relay, args=(self.process,), daemon=True).start()

    def _relay(self, process: subprocess.Popen) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            write_line(f"[{self.name}] {line}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)

    def kill_if_running(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)


# One whole line per write, under a lock: the relay threads and the supervisor share stdout.
_stdout_lock = threading.Lock()


def write_line(line: str) -> None:
    with _stdout_lock:
        sys.stdout.write(line if line.endswith("\n") else line + "\n")
        sys.stdout.flush()


def say(message: str) -> None:
    write_line(f"[supervisor] {message}")


def wait_healthy(url: str, children: list[Child], deadline: float) -> bool:
    while time.monotonic() < deadline:
        if any(c.process and c.process.poll() is not None for c in children):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def main() -> int:
    load_dotenv(ROOT / ".env")
    if not MODEL.exists():
        say(f"no trained model at {MODEL}: run `make run` (it trains first)")
        return 1
    try:
        planned = commands()
    except ConfigError as error:
        say(str(error))
        return 2
    children = [Child(name, argv, env) for name, (argv, env) in planned.items()]
    stopping = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    started = time.monotonic()
    for child in children:
        child.start()
        say(f"started {child.name} (pid {child.process.pid})")
    port = os.environ.get("PORT", "8000")
    health = f"http://127.0.0.1:{port}/healthz"
    timeout = float(os.environ.get("STARTUP_TIMEOUT_SECONDS", "180"))
    if wait_healthy(health, children, time.monotonic() + timeout):
        say(f"all up in {time.monotonic() - started:.1f} s")
        say(f"web chat: http://127.0.0.1:{port}/   (Ctrl-C stops everything)")
    else:
        say(f"not healthy after start: see {health} and the lines above")
    while not stopping.is_set():
        for child in children:
            code = child.process.poll() if child.process else None
            if code is None or stopping.is_set():
                continue
            now = time.monotonic()
            child.failures = [t for t in child.failures if now - t < 60] + [now]
            pause = min(2 ** (len(child.failures) - 1), 30)
            say(f"{child.name} exited with code {code}; restarting in {pause} s")
            stopping.wait(pause)
            if not stopping.is_set():
                child.start()
                say(f"{child.name} restarted (pid {child.process.pid})")
        stopping.wait(0.5)
    say("stopping")
    for child in children:
        child.stop()
    end = time.monotonic() + 15
    for child in children:
        if child.process:
            try:
                child.process.wait(timeout=max(0.1, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill_if_running()
    say("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
