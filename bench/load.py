"""Load test: 50 concurrent conversations for 60 s through the gateway; optionally with chaos.

    .venv/bin/python bench/load.py                       (a stack already running on :8000)
    .venv/bin/python bench/load.py --url http://127.0.0.1:8000
    .venv/bin/python bench/load.py --start [--model M]   (starts its own stack, as run.py does)
    .venv/bin/python bench/load.py --start --chaos       (kills one Rasa process mid-run)

Reports requests, errors (must be 0: any non-200, any reply missing text, any failed
request), answers that were the gateway's safety message (an answer, counted apart), and
p50/p95/p99 latency. Exits 1 when there was any error. With --chaos it kills one Rasa process
(one replica when the supervisor runs several, see --rasa-replicas) a quarter of the way in;
the supervisor restarts it; every request must still get an answer. The conversations and
the counting are bench/driver.py's, shared with bench/run.py.

A stack that is already running keeps its own rate limits: start it with the raised limits
of bench/stack.py (RAISED_LIMITS) or use --start, or the load is answered with 429s (errors).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import driver, stack  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="a running gateway")
    parser.add_argument("--start", action="store_true", help="start a stack of its own")
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "vawg.tar.gz")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds between messages (jittered ±50%%)"
    )
    parser.add_argument("--chaos", action="store_true", help="kill one Rasa process mid-run")
    parser.add_argument(
        "--kill-at", type=float, help="seconds into the run for --chaos (default: a quarter)"
    )
    parser.add_argument(
        "--rasa-replicas",
        type=int,
        help="with --start: RASA_REPLICAS for the supervisor (needs Redis: --redis-url)",
    )
    parser.add_argument("--redis-url", help="with --start: REDIS_URL for the stack")
    parser.add_argument("--out", type=Path, help="JSON results (default bench/results/load.json)")
    args = parser.parse_args()
    if args.chaos and not args.start:
        parser.error("--chaos needs --start: it kills a process of the stack it started")
    if args.rasa_replicas and not args.start:
        parser.error("--rasa-replicas needs --start")
    return args


def rasa_processes(running: stack.Stack) -> list[str]:
    """Names of the supervisor's Rasa processes: `rasa`, or one per replica."""
    return sorted(name for name in running.pids() if re.fullmatch(r"rasa([-_]?\d+)?", name))


async def measured_run(args: argparse.Namespace, url: str, running: stack.Stack | None) -> dict:
    # a short unrecorded warm-up, then the measured run (with the chaos beside it)
    await driver.run_level(url, args.concurrency, 3.0, timeout=15)
    chaos: dict = {}

    async def kill_one() -> None:
        assert running is not None
        names = rasa_processes(running)
        await asyncio.sleep(args.kill_at if args.kill_at is not None else args.seconds / 4)
        victim = names[0]
        chaos["replicas"] = len(names)
        chaos["killed"] = victim
        chaos["killed_pid"] = await asyncio.to_thread(running.kill, victim)
        chaos["killed_at_s"] = round(time.monotonic() - started, 1)
        print(f"[load] chaos: killed {victim} (pid {chaos['killed_pid']})", flush=True)

    started = time.monotonic()
    tasks = [
        driver.run_level(
            url,
            args.concurrency,
            args.seconds,
            think_seconds=args.think,
            timeout=15,
        )
    ]
    if args.chaos:
        tasks.append(kill_one())
    level = (await asyncio.gather(*tasks))[0]
    result = level.summary()
    if args.chaos:
        chaos["restarted"] = bool(
            running and re.search(rf"{chaos['killed']} restarted \(pid", running.log_text())
        )
        after = [t for t, outcome in level.incidents if t >= chaos["killed_at_s"] - 1]
        chaos["non_bot_answers_after_kill"] = len(after)
        chaos["last_non_bot_answer_s"] = max(after, default=None)
        result["chaos"] = chaos
    return result


def main() -> int:
    args = parse_args()
    running: stack.Stack | None = None
    workdir = tempfile.TemporaryDirectory(prefix="vawg-load-")
    url = args.url
    try:
        if args.start:
            extra: dict[str, str] = {}
            if args.redis_url:
                extra["REDIS_URL"] = args.redis_url
            if args.rasa_replicas:
                supervisor = (ROOT / "scripts" / "supervise.py").read_text()
                if "RASA_REPLICAS" not in supervisor:
                    print("[load] note: scripts/supervise.py does not read RASA_REPLICAS yet")
                extra["RASA_REPLICAS"] = str(args.rasa_replicas)
            running = stack.start_stack(args.model, Path(workdir.name), extra_env=extra)
            print(f"[load] starting a stack with {args.model}", flush=True)
            running.wait_healthy(timeout=300)
            url = running.base_url
            if args.chaos:
                print(f"[load] Rasa processes: {', '.join(rasa_processes(running))}")
        print(
            f"[load] {args.concurrency} concurrent conversations for {args.seconds:g} s "
            f"against {url}" + (" with chaos" if args.chaos else ""),
            flush=True,
        )
        result = asyncio.run(measured_run(args, url, running))
    finally:
        if running:
            running.stop()
        workdir.cleanup()
    out = args.out or RESULTS / ("load-chaos.json" if args.chaos else "load.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(
        f"[load] requests {result['requests']}, errors {result['errors']} "
        f"{result['error_kinds'] or ''}, safety answers {result['safety_answers']}, "
        f"off script {result['off_script']}, {result['messages_per_second']} msg/s, "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms"
    )
    if "chaos" in result:
        print(f"[load] chaos: {result['chaos']}")
    print(f"[load] {'PASS' if result['errors'] == 0 else 'FAIL'}: every request answered")
    print(f"[load] wrote {os.path.relpath(out, ROOT)}")
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
