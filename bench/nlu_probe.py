"""In-process NLU figures for one model, run in the Rasa environment by bench/run.py.

    PYTHONPATH=. .venv-rasa/bin/python bench/nlu_probe.py --model M.tar.gz --out result.json

- `Agent.load` time, and the median / p95 of `Agent.parse_message` over the benchmark's
  scripted messages (bench/conversations.py), repeated;
- the external-set figures, from `evaluate_external` in bench/nlu_eval.py when that module
  exists (another engineer's; it is optional here). It is imported, not run as a script, so
  its own report (docs/nlu-evaluation.md, for the shipped model) is left alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def parse_timings(model: Path, repeats: int) -> dict:
    from rasa.core.agent import Agent

    started = time.perf_counter()
    agent = Agent.load(str(model))
    load_seconds = time.perf_counter() - started
    from bench.conversations import MESSAGES

    messages = list(MESSAGES)
    for text in messages:  # warm up
        await agent.parse_message(text)
    times = []
    for _ in range(repeats):
        for text in messages:
            started = time.perf_counter()
            await agent.parse_message(text)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "agent_load_s": round(load_seconds, 1),
        "parses": len(times),
        "parse_p50_ms": round(statistics.median(times), 2),
        "parse_p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
    }


def external_figures(model: Path) -> dict:
    try:
        from bench import nlu_eval
    except ImportError as error:
        return {"available": False, "why": f"bench/nlu_eval.py not importable ({error})"}
    if not hasattr(nlu_eval, "evaluate_external"):
        return {"available": False, "why": "bench/nlu_eval.py has no evaluate_external()"}
    started = time.perf_counter()
    result = nlu_eval.evaluate_external(model)
    emergency = result.get("emergency") or {}
    return {
        "available": True,
        "items": result.get("items"),
        "accuracy": result.get("accuracy"),
        "macro_f1": result.get("macro_f1"),
        "emergency_recall": emergency.get("recall"),
        "emergency_items": emergency.get("items"),
        "out_of_scope_answered_as_emergency": result.get("out_of_scope_answered_as_emergency"),
        "answered_as_emergency_wrongly": result.get("answered_as_emergency_wrongly"),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--skip-external", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    import rasa
    from rasa.utils.log_utils import configure_structlog

    # unconfigured, Rasa's structlog prints a debug line per parse, inside the timed call
    configure_structlog(logging.WARNING)

    result = {"rasa_version": rasa.__version__, "python": sys.version.split()[0]}
    result.update(asyncio.run(parse_timings(args.model, args.repeats)))
    if args.skip_external:
        result["external"] = {"available": False, "why": "skipped (--skip-nlu-eval)"}
    else:
        try:
            result["external"] = external_figures(args.model)
        except Exception as error:  # another engineer's module, still being written
            result["external"] = {"available": False, "why": f"failed: {error!r}"[:300]}
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
