"""Read-only actions run on the conversation itself (bot/read_only_actions.py): installed by
the gateway channel, and the trained bot's conversations come out event for event as with
Rasa's copy."""

from __future__ import annotations

import numpy
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

import bot.gateway_channel  # noqa: F401  # installs it, as `rasa run` does
from bot import read_only_actions
from tests.bot import trained_bot


def test_the_gateway_channel_installs_it():
    assert read_only_actions.installed()
    read_only_actions.install()
    assert read_only_actions.installed()


async def _events(agent, sender: str) -> list[dict]:
    numpy.random.seed(7)  # Rasa picks one of a response's variants at random
    found = []
    for sender_id in await trained_bot.talk(agent, sender):
        tracker = await agent.tracker_store.retrieve_full_tracker(sender_id)
        for event in tracker.events:
            described = event.as_dict()
            for varies in ("timestamp", "message_id"):  # a new one at each run
                described.pop(varies, None)
                (described.get("parse_data") or {}).pop(varies, None)
            found.append(described)
    return found


def _action_server() -> TestServer:
    """A stand-in action server: every custom action says something and sets a slot."""

    async def webhook(request: web.Request) -> web.Response:
        asked = await request.json()
        return web.json_response(
            {
                "events": [{"event": "slot", "name": "abuse_type", "value": "stalking"}],
                "responses": [{"text": f"stand-in for {asked['next_action']}"}],
            }
        )

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    return TestServer(app, host="127.0.0.1")


@pytest.mark.skipif(not trained_bot.MODEL.exists(), reason="no trained model: scripts/setup.sh")
async def test_the_trained_bots_conversations_are_the_same_event_for_event(monkeypatch):
    copies: list[int] = []
    rasas_copy = DialogueStateTracker.copy

    def counted(self):
        copies.append(1)
        return rasas_copy(self)

    monkeypatch.setattr(DialogueStateTracker, "copy", counted)
    async with _action_server() as server:
        endpoint = EndpointConfig(str(server.make_url("/webhook")))
        agent = trained_bot.load(action_endpoint=endpoint)
        ours = await _events(agent, "ours")
        copies_with_ours = len(copies)
        monkeypatch.setattr(MessageProcessor, "_run_action", read_only_actions._ORIGINAL)
        copies.clear()
        rasas = await _events(agent, "rasas")
    assert [dict(e, **{"sender_id": None}) for e in ours] == [
        dict(e, **{"sender_id": None}) for e in rasas
    ]
    assert len(ours) > 100
    assert sum(e.get("text", "").startswith("stand-in") for e in ours if e["event"] == "bot") >= 4
    assert copies_with_ours < len(copies) * 0.6  # 29 of 55 when written
