"""Rasa's graph run in plain Python instead of dask (bot/sequential_graph_runner.py):
installed by the gateway channel, each node once, the same errors, the same answers."""

from __future__ import annotations

import dask
import pytest
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

import bot.gateway_channel  # noqa: F401  # installs it, as `rasa run` does
from bot import sequential_graph_runner
from bot.sequential_graph_runner import evaluate
from tests.bot import trained_bot


def test_the_gateway_channel_installs_it():
    assert sequential_graph_runner.installed()
    sequential_graph_runner.install()
    assert DaskGraphRunner.run.__module__ == "bot.sequential_graph_runner"


def test_each_node_runs_once_after_what_it_needs_as_dask_runs_it():
    calls: list[str] = []

    def node(name):
        def run(*inputs):
            calls.append(name)
            return (name, [i if isinstance(i, str) else i[0] for i in inputs])

        return run

    graph = {
        "tokens": (node("tokens"), "message"),
        "features": (node("features"), "tokens"),
        "intent": (node("intent"), "features", "tokens"),
        "entities": (node("entities"), "tokens", "not_provided"),
        "message": ("message", "hello"),  # an input, as Rasa adds them
    }
    targets = ["intent", "entities"]
    ours = evaluate(graph, targets)
    assert sorted(calls) == ["entities", "features", "intent", "tokens"]  # once each
    assert calls.index("tokens") < calls.index("features") < calls.index("intent")
    calls.clear()
    assert ours == list(dask.get(graph, targets))
    # a need no node provides is passed as its name, as dask passes it
    assert ours[1] == ("entities", ["tokens", "not_provided"])


def test_an_error_in_a_node_is_rasas_graph_run_error():
    def broken(*_):
        raise RuntimeError("boom")

    runner = DaskGraphRunner.__new__(DaskGraphRunner)

    class Schema:
        target_names = ["broken"]

        def minimal_graph_schema(self, targets):
            return self

    runner._graph_schema = Schema()
    runner._build_dask_graph = lambda schema: {"broken": (broken,)}
    with pytest.raises(GraphRunError) as raised:
        runner.run()
    assert str(raised.value.__cause__) == "boom"


@pytest.mark.skipif(not trained_bot.MODEL.exists(), reason="no trained model: scripts/setup.sh")
async def test_the_trained_bot_answers_as_it_does_with_dask(monkeypatch):
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    agent = trained_bot.load()
    conversation = ["hi", "what is coercive control", "who can help me", "he has a knife", "bye"]

    async def run_all(sender: str) -> list:
        seen = []
        for text in conversation:
            seen.append(await agent.parse_message(text))
            prediction = await agent.processor.predict_next_for_sender_id(sender)
            seen.append(prediction["scores"] if prediction else None)
            output = CollectingOutputChannel()
            await agent.handle_message(UserMessage(text, output, sender_id=sender))
            # not the texts: a response's variants are picked at random
            seen.append(len(output.messages))
        tracker = await agent.tracker_store.retrieve(sender)
        events = [e.as_dict() for e in tracker.events]
        utters = [e.get("metadata", {}).get("utter_action") for e in events]
        seen.append([(e["event"], e.get("name"), u) for e, u in zip(events, utters, strict=True)])
        return seen

    ours = await run_all("sequential")
    monkeypatch.setattr(DaskGraphRunner, "run", sequential_graph_runner._ORIGINAL)
    assert await run_all("dask") == ours
