"""The real stack: `scripts/supervise.py` on free loopback ports, for benchmarks and tests.

`Stack` is the one place that starts, watches and stops it; the end-to-end tests
(tests/e2e/conftest.py) subclass it, so this module imports only the standard library at the
top (httpx is imported where it is used). `start_stack` is the benchmark's shape: a fresh
SQLite directory, its own ports, a given model (RASA_MODEL), and the public rate limits
raised, because all the load comes from 127.0.0.1 and would otherwise be refused with 429s.
Memory is read from /proc: VmHWM (the kernel's peak) of every process of the stack, and a
sampled sum of VmRSS for the whole system's peak at one moment.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
SUPERVISOR = ROOT / "scripts" / "supervise.py"
STARTED = re.compile(r"\[supervisor\] (?:started (\S+)|(\S+) restarted) \(pid (\d+)\)")

# Far above what the benchmark sends; the limits are per gateway process and per IP.
RAISED_LIMITS = {
    "MESSAGES_PER_MINUTE_PER_IP": "10000000",
    "NEW_CONVERSATIONS_PER_HOUR_PER_IP": "10000000",
    "MESSAGES_PER_MINUTE_PER_CONVERSATION": "10000",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: the ppid follows it
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc/<pid>/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """CPU time used so far by each named process tree (the supervisor alone).

    CPU time per message barely depends on what else the machine is doing, unlike latency:
    it is the figure to compare levers by on a busy machine.
    """
    children = _children_map()
    return {
        name: sum(
            _cpu_seconds(p)
            for p in ([pid] if name == "supervisor" else process_tree(pid, children))
        )
        for name, pid in pids.items()
    }


def process_tree(pid: int, children: dict[int, list[int]] | None = None) -> list[int]:
    children = _children_map() if children is None else children
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


@dataclass
class MemorySampler:
    """Samples VmRSS of each named process tree every `interval` seconds, in a thread."""

    pids: Callable[[], dict[str, int]]
    interval: float = 0.5
    peak_rss_kb: dict[str, int] = field(default_factory=dict)
    peak_hwm_kb: dict[str, int] = field(default_factory=dict)
    peak_total_rss_kb: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def sample(self) -> None:
        children = _children_map()
        total = 0
        for name, pid in self.pids().items():
            # the supervisor's children are sampled under their own names
            tree = [pid] if name == "supervisor" else process_tree(pid, children)
            rss = sum(_proc_status_kb(p, "VmRSS") for p in tree)
            hwm = sum(_proc_status_kb(p, "VmHWM") for p in tree)
            total += rss
            self.peak_rss_kb[name] = max(self.peak_rss_kb.get(name, 0), rss)
            self.peak_hwm_kb[name] = max(self.peak_hwm_kb.get(name, 0), hwm)
        self.peak_total_rss_kb = max(self.peak_total_rss_kb, total)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def stop(self) -> dict:
        self.sample()
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        mb = 1024
        return {
            # per process (tree): the kernel's high-water mark, VmHWM
            "peak_mb": {name: round(kb / mb) for name, kb in self.peak_hwm_kb.items()},
            # the whole system at one moment (sampled sum of VmRSS)
            "whole_system_peak_mb": round(self.peak_total_rss_kb / mb),
            # upper bound: every process at its own peak at once
            "sum_of_peaks_mb": round(sum(self.peak_hwm_kb.values()) / mb),
        }


AnyStack = TypeVar("AnyStack", bound="Stack")


@dataclass
class Stack:
    base_url: str
    log_path: Path
    process: subprocess.Popen
    started_at: float
    rasa_url: str = ""

    @classmethod
    def start(
        cls: type[AnyStack],
        env: dict[str, str],
        workdir: Path,
        command: list[str] | None = None,
        **extra,
    ) -> AnyStack:
        """The supervisor (or `command`) with `env` (PORT and RASA_URL set); its whole output
        goes to workdir/stack.log, and it runs in a session of its own to be killed as a group.
        `extra` sets a subclass's own fields."""
        workdir.mkdir(parents=True, exist_ok=True)
        log_path = workdir / "stack.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                command or [sys.executable, str(SUPERVISOR)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        base_url = f"http://127.0.0.1:{env['PORT']}"
        return cls(base_url, log_path, process, time.monotonic(), env["RASA_URL"], **extra)

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def pids(self) -> dict[str, int]:
        """Latest pid of each supervised process, from the supervisor's own lines."""
        found: dict[str, int] = {"supervisor": self.process.pid}
        for started, restarted, pid in STARTED.findall(self.log_text()):
            found[started or restarted] = int(pid)
        return found

    def wait_until(self, ready: Callable[[], object], timeout: float, what: str) -> object:
        """Polls `ready` until it returns something true; fails if the supervisor exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            found = ready()
            if found:
                return found
            time.sleep(0.2)
        code = self.process.poll()
        why = f"the supervisor exited ({code})" if code is not None else f"{timeout:g} s passed"
        raise RuntimeError(f"{what}: {why} (log tail below)\n" + self.log_text()[-3000:])

    def wait_for_pids(self, names: tuple[str, ...], timeout: float = 30) -> dict[str, int]:
        def started() -> dict[str, int] | None:
            pids = self.pids()
            return pids if all(name in pids for name in names) else None

        return self.wait_until(started, timeout, "the supervisor did not start its processes")  # type: ignore[return-value]

    def wait_healthy(self, timeout: float = 180) -> float:
        import httpx

        def healthy() -> float | None:
            try:
                response = httpx.get(f"{self.base_url}/healthz", timeout=2)
            except httpx.HTTPError:
                return None
            return time.monotonic() if response.status_code == 200 else None

        return self.wait_until(healthy, timeout, "the stack is not healthy")  # type: ignore[return-value]

    def pid_of(self, name: str) -> int:
        return self.pids()[name]

    def kill(self, name: str) -> int:
        """SIGKILL to its whole process group, children included; the supervisor restarts it."""
        pid = self.pid_of(name)
        os.killpg(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                # the supervised processes run in sessions of their own
                for name, pid in self.pids().items():
                    if name != "supervisor":
                        with contextlib.suppress(OSError):
                            os.killpg(pid, signal.SIGKILL)
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def start_stack(
    model: Path,
    workdir: Path,
    *,
    extra_env: dict[str, str] | None = None,
    supervisor: list[str] | None = None,
) -> Stack:
    """Starts the supervisor (or a given command line in its place) on free ports."""
    ports = {name: free_port() for name in ("PORT", "INTERNAL_PORT", "RASA", "ACTIONS")}
    base_url = f"http://127.0.0.1:{ports['PORT']}"
    env = dict(os.environ)
    env.update(
        {name: str(ports[name]) for name in ("PORT", "INTERNAL_PORT")},
        RASA_URL=f"http://127.0.0.1:{ports['RASA']}",
        ACTIONS_URL=f"http://127.0.0.1:{ports['ACTIONS']}",
        PUBLIC_BASE_URL=base_url,
        DATABASE_URL=f"sqlite:///{workdir / 'directory.sqlite3'}",
        PSEUDONYM_KEY=secrets.token_hex(32),
        RASA_MODEL=str(model),
        **RAISED_LIMITS,
    )
    env.pop("REDIS_URL", None)
    env.update(extra_env or {})
    return Stack.start(env, workdir, supervisor)
