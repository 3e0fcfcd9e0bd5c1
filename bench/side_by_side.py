"""Two stacks served side by side, under the same load at the same time: a lever's cost in
CPU per message, on a machine whose speed drifts.

Why: on the shared 2-core machines the same code takes 20-30% more or less CPU per message
from one minute to the next, more than most levers change it. Served one after the other,
a lever's effect is lost in that drift; served at the same moment, both sides see the same
machine. Each side is a model and a checkout (a git worktree of the commit before a lever,
with `.venv` and `.venv-rasa` linked into it), started by its own `scripts/supervise.py` on
free ports as the benchmark starts a stack (`bench/stack.py`). Each round drives both
gateways at once with the benchmark's scripted conversations (`bench/driver.py`) and reads
each process's CPU time from /proc.

    .venv/bin/python bench/side_by_side.py --model-a bench/results/models/project.tar.gz \
        --checkout-a /tmp/before [--model-b ...] [--checkout-b ...] [--rounds 3]

Compare Rasa's CPU per message between the sides, round by round; an A/A run (the same model
and checkout on both sides) shows the harness's own bias (3% either way when it was written).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import driver  # noqa: E402
import stack  # noqa: E402

PROCESSES = ("gateway", "rasa", "actions")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_model = stack.ROOT / "models" / "vawg.tar.gz"
    for side in ("a", "b"):
        parser.add_argument(f"--model-{side}", type=Path, default=default_model)
        parser.add_argument(
            f"--checkout-{side}", type=Path, default=stack.ROOT, help="whose supervise.py"
        )
    parser.add_argument("--concurrency", type=int, default=25, help="per side")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    return parser.parse_args()


async def both(stacks: dict[str, stack.Stack], concurrency: int, seconds: float) -> list:
    return await asyncio.gather(
        *(driver.run_level(s.base_url, concurrency, seconds) for s in stacks.values())
    )


def main() -> int:
    args = parse_args()
    stacks: dict[str, stack.Stack] = {}
    try:
        for side in ("a", "b"):
            checkout = getattr(args, f"checkout_{side}").resolve()
            stacks[side] = stack.start_stack(
                getattr(args, f"model_{side}").resolve(),
                Path(tempfile.mkdtemp(prefix=f"vawg-side-{side}-")),
                supervisor=[sys.executable, str(checkout / "scripts" / "supervise.py")],
            )
        for running in stacks.values():
            running.wait_healthy()
            running.wait_for_pids(PROCESSES)
        asyncio.run(both(stacks, 5, 4))  # warm-up, not counted
        totals = {side: {"requests": 0, "cpu": dict.fromkeys(PROCESSES, 0.0)} for side in stacks}
        for round_ in range(1, args.rounds + 1):
            pids = {side: {n: s.pid_of(n) for n in PROCESSES} for side, s in stacks.items()}
            before = {side: stack.cpu_seconds(p) for side, p in pids.items()}
            results = dict(
                zip(stacks, asyncio.run(both(stacks, args.concurrency, args.seconds)), strict=True)
            )
            after = {side: stack.cpu_seconds(p) for side, p in pids.items()}
            for side, result in results.items():
                summary = result.summary()
                spent = {n: after[side][n] - before[side][n] for n in PROCESSES}
                totals[side]["requests"] += summary["requests"]
                for n in PROCESSES:
                    totals[side]["cpu"][n] += spent[n]
                per_message = " / ".join(
                    f"{1000 * spent[n] / max(summary['requests'], 1):.2f}" for n in PROCESSES
                )
                print(
                    f"round {round_} {side}: {summary['messages_per_second']} msg/s, "
                    f"p95 {summary['p95_ms']} ms, errors {summary['errors']}, "
                    f"CPU ms/msg {' / '.join(PROCESSES)} {per_message}",
                    flush=True,
                )
        rasa = {}
        for side, total in totals.items():
            per_message = {n: 1000 * total["cpu"][n] / max(total["requests"], 1) for n in PROCESSES}
            rasa[side] = per_message["rasa"]
            shown = " / ".join(f"{per_message[n]:.2f}" for n in PROCESSES)
            print(f"all rounds {side}: CPU ms/msg {' / '.join(PROCESSES)} {shown}")
        print(f"Rasa CPU per message, b / a: {rasa['b'] / rasa['a']:.3f}")
    finally:
        for running in stacks.values():
            running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
