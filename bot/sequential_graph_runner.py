"""Rasa runs its prediction graph in plain Python, not through dask's scheduler.

Why: for every message Rasa 3.6 runs its model graph (the NLU pipeline, then the policies for
each next action) with `dask.get`: dask orders the graph, builds its own task state and runs
the tasks one after another in this thread. For the project's small graphs that bookkeeping
cost about a tenth of the Rasa process's CPU per message (py-spy profile at 50 concurrent
conversations, docs/benchmarks.md), more than several of the components it schedules.

What: `install()` replaces `DaskGraphRunner.run` with one that evaluates the same graph
the same way dask's synchronous scheduler does, without the scheduler: each node once,
after the nodes it needs, with the outputs of those nodes as its arguments. The graph is
the one Rasa builds (`minimal_graph_schema`, `_build_dask_graph`, `_add_inputs_to_graph`),
inputs and errors included: a RuntimeError inside a node becomes Rasa's GraphRunError, as
before. Nodes are Rasa's `GraphNode`s, which return `(name, output)`; a need that no node
provides is passed as its name, which `GraphNode` reports as unresolved, as dask did.

Installed when the gateway channel is imported (bot/gateway_channel.py), like
bot/fast_action_validation.py; tests/bot/test_sequential_graph_runner.py compares it with
dask on the trained model.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

_ORIGINAL = DaskGraphRunner.run


def evaluate(graph: dict[str, Any], targets: list[str]) -> list[Any]:
    """The values of `targets` in a dask-style graph: {key: (callable, *needed keys)}.

    Only the shapes Rasa builds: a task is a tuple whose first item is callable and whose
    other items are keys; anything else (an input) is its own value.
    """
    values: dict[str, Any] = {}

    def value(key: str) -> Any:
        if key in values:
            return values[key]
        task = graph[key]
        if isinstance(task, tuple) and task and callable(task[0]):
            needed = [value(k) if k in graph else k for k in task[1:]]
            result = task[0](*needed)
        else:
            result = task
        values[key] = result
        return result

    return [value(target) for target in targets]


def _run(
    self: DaskGraphRunner,
    inputs: dict[str, Any] | None = None,
    targets: list[str] | None = None,
) -> dict[str, Any]:
    """As DaskGraphRunner.run in Rasa 3.6, with `evaluate` in place of `dask.get`."""
    run_targets = targets if targets else self._graph_schema.target_names
    minimal_schema = self._graph_schema.minimal_graph_schema(run_targets)
    run_graph = self._build_dask_graph(minimal_schema)
    if inputs:
        self._add_inputs_to_graph(inputs, run_graph)
    try:
        return dict(evaluate(run_graph, run_targets))
    except RuntimeError as e:
        raise GraphRunError("Error running runner.") from e


def install() -> None:
    """Idempotent: patches DaskGraphRunner.run once per process."""
    for name in ("_build_dask_graph", "_add_inputs_to_graph"):
        if not hasattr(DaskGraphRunner, name):
            raise RuntimeError(f"DaskGraphRunner.{name} is gone: check the Rasa version")
    DaskGraphRunner.run = _run  # type: ignore[method-assign]


def installed() -> bool:
    return DaskGraphRunner.run is _run


install()
