"""The conversation driver shared by bench/run.py and bench/load.py.

Virtual users (one aiohttp session each, like one browser each) run whole scripted
conversations through the gateway's chat API, each with a fresh session id, until the time
or the conversation budget of the level runs out. Every loop is bounded in count and time.
The client is aiohttp rather than httpx because it runs on the same two cores as the system
it measures: at 50 users httpx took about 3 ms of CPU per message, aiohttp about 1 ms
(docs/benchmarks.md).

What counts:
- an *error*: any non-200 answer, a timeout or connection failure, or a reply list that is
  empty or has a reply without text;
- a *safety answer*: the gateway's fixed safety message instead of the bot's answer (Rasa
  down, slow or silent). It is an answer, but it is counted separately;
- *off script*: a 200 answer that does not look like the step's purpose (no 999 for the
  emergency step). Informative only: it shows a model that misunderstands the script.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import secrets
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from api.safety import SAFETY_MESSAGE  # noqa: E402
from bench.conversations import CONVERSATIONS  # noqa: E402


def new_session() -> str:
    return secrets.token_urlsafe(24)


def percentile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class LevelResult:
    concurrency: int
    seconds: float = 0.0
    requests: int = 0
    errors: int = 0
    safety_answers: int = 0
    off_script: int = 0
    conversations: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    error_kinds: dict[str, int] = field(default_factory=dict)
    by_step_ms: dict[str, list[float]] = field(default_factory=dict)
    # (seconds since start, outcome) of every answer that was not the bot's: for chaos runs
    incidents: list[tuple[float, str]] = field(default_factory=list)

    def summary(self) -> dict:
        ok = self.requests - self.errors
        return {
            "concurrency": self.concurrency,
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "conversations": self.conversations,
            "messages_per_second": round(ok / self.seconds, 2) if self.seconds else 0.0,
            "p50_ms": _round(percentile(self.latencies_ms, 50)),
            "p95_ms": _round(percentile(self.latencies_ms, 95)),
            "p99_ms": _round(percentile(self.latencies_ms, 99)),
            "max_ms": _round(max(self.latencies_ms, default=None)),
            "errors": self.errors,
            "error_kinds": dict(self.error_kinds),
            "safety_answers": self.safety_answers,
            "off_script": self.off_script,
            "p50_ms_by_step": {
                kind: _round(percentile(values, 50)) for kind, values in self.by_step_ms.items()
            },
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def classify(status: int, body: bytes) -> tuple[str, str]:
    """('ok' | 'safety' | 'error', text or reason) for one chat answer."""
    if status != 200:
        return "error", f"http {status}"
    try:
        replies = json.loads(body)["replies"]
    except (ValueError, KeyError, TypeError):
        return "error", "bad body"
    if not replies or any(not (isinstance(r, dict) and r.get("text")) for r in replies):
        return "error", "reply without text"
    texts = [r["text"] for r in replies]
    if texts == [SAFETY_MESSAGE]:
        return "safety", SAFETY_MESSAGE
    return "ok", "\n".join(texts)


async def chat(client: aiohttp.ClientSession, session: str, text: str) -> tuple[str, str, float]:
    """One message: (outcome, text or reason, latency in ms)."""
    started = time.perf_counter()
    try:
        body = {"session": session, "message": text}
        async with client.post("/api/chat", json=body) as response:
            outcome, detail = classify(response.status, await response.read())
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        outcome, detail = "error", type(error).__name__
    return outcome, detail, (time.perf_counter() - started) * 1000


def _client(base_url: str, timeout: float) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(base_url, timeout=aiohttp.ClientTimeout(total=timeout))


async def _virtual_user(
    base_url: str,
    user: int,
    result: LevelResult,
    started: float,
    deadline: float,
    max_conversations: int,
    think_seconds: float,
    timeout: float,
) -> None:
    async with _client(base_url, timeout) as client:
        for number in range(max_conversations):
            if time.monotonic() >= deadline:
                return
            conversation = CONVERSATIONS[(user + number) % len(CONVERSATIONS)]
            # users start at different steps, so every kind of message is sent from the
            # first second on, however few messages each user gets through in the level
            if number == 0:
                conversation = conversation[user % len(conversation) :]
            session = new_session()
            for step in conversation:
                if time.monotonic() >= deadline:
                    return
                outcome, detail, ms = await chat(client, session, step.text)
                result.requests += 1
                result.latencies_ms.append(ms)
                result.by_step_ms.setdefault(step.kind, []).append(ms)
                if outcome == "error":
                    result.errors += 1
                    result.error_kinds[detail] = result.error_kinds.get(detail, 0) + 1
                elif outcome == "safety":
                    result.safety_answers += 1
                elif not step.on_script(detail):
                    result.off_script += 1
                if outcome != "ok":
                    result.incidents.append((round(time.monotonic() - started, 2), outcome))
                if think_seconds:  # jittered, so users do not stay in step
                    await asyncio.sleep(think_seconds * random.uniform(0.5, 1.5))
            result.conversations += 1


async def run_level(
    base_url: str,
    concurrency: int,
    seconds: float,
    *,
    max_conversations: int = 10_000,
    think_seconds: float = 0.0,
    timeout: float = 15.0,
) -> LevelResult:
    """`concurrency` virtual users for `seconds` (and at most `max_conversations` each)."""
    result = LevelResult(concurrency)
    started = time.monotonic()
    await asyncio.gather(
        *(
            _virtual_user(
                base_url, u, result, started, started + seconds, max_conversations,
                think_seconds, timeout,
            )
            for u in range(concurrency)
        )
    )  # fmt: skip
    result.seconds = time.monotonic() - started
    return result


async def first_answer(base_url: str, deadline: float, text: str = "hello") -> float | None:
    """Monotonic time of the first answer from the bot itself (not the safety message)."""
    async with _client(base_url, 5) as client:
        while time.monotonic() < deadline:
            outcome, _, _ = await chat(client, new_session(), text)
            if outcome == "ok":
                return time.monotonic()
            await asyncio.sleep(0.25)
    return None
