"""The default tracker store (bot/endpoints.yml): in memory, and conversations expire."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa.utils.endpoints import read_endpoint_config

from bot.expiring_tracker_store import ExpiringInMemoryTrackerStore
from bot.gateway_channel import delete_conversation

ENDPOINTS = Path(__file__).resolve().parents[2] / "bot" / "endpoints.yml"
DOMAIN = Domain.load(str(ENDPOINTS.parent / "domain"))


def make_store(monkeypatch, ttl: str, domain: Domain | None = None) -> TrackerStore:
    monkeypatch.setenv("CONVERSATION_TTL_SECONDS", ttl)
    monkeypatch.setenv("ACTIONS_URL", "http://127.0.0.1:1")
    return TrackerStore.create(
        read_endpoint_config(str(ENDPOINTS), "tracker_store"), domain or Domain.empty()
    )


async def say(store: TrackerStore, sender: str, text: str = "hello") -> None:
    tracker = await store.retrieve(sender) or DialogueStateTracker(sender, slots=[])
    tracker.update(UserUttered(text))
    await store.save(tracker)


async def test_the_default_endpoints_give_the_expiring_store(monkeypatch):
    store = make_store(monkeypatch, "1800")
    assert isinstance(store, ExpiringInMemoryTrackerStore) and store.record_exp == 1800


async def test_a_conversation_expires_after_its_last_message_and_the_expiry_slides(monkeypatch):
    store = make_store(monkeypatch, "0.6")
    await say(store, "a")
    await say(store, "b")
    await asyncio.sleep(0.4)
    await say(store, "a", "still here")  # a's clock starts again
    await asyncio.sleep(0.4)
    assert await store.retrieve("a") is not None
    assert await store.retrieve("b") is None and "b" not in store.store
    await asyncio.sleep(0.7)
    assert list(await store.keys()) == []


async def test_forget_still_deletes_at_once(monkeypatch):
    store = make_store(monkeypatch, "1800")
    await say(store, "a")
    delete_conversation(store, "a")
    assert await store.retrieve("a") is None


def conversation(sender: str) -> DialogueStateTracker:
    """A conversation with the kinds of events a real one holds."""
    events = [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted()]
    for turn in range(3):
        events += [
            ActionExecuted(ACTION_LISTEN_NAME),
            UserUttered(
                "what is stalking",
                {"name": "ask_abuse_type", "confidence": 0.91},
                [{"entity": "abuse_type", "value": "stalking", "start": 8, "end": 16}],
                parse_data={"intent_ranking": [{"name": "ask_abuse_type", "confidence": 0.91}]},
                message_id=f"m{turn}",
            ),
            SlotSet("abuse_type", "stalking"),
            ActionExecuted("utter_abuse_type"),
            BotUttered("Stalking is...", {"buttons": [{"title": "Help", "payload": "/help"}]}),
        ]
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


async def test_a_pickled_conversation_reads_back_as_rasas_json_store_would_give_it(monkeypatch):
    store = make_store(monkeypatch, "1800", DOMAIN)
    rasas = InMemoryTrackerStore(DOMAIN)
    tracker = conversation("a")
    for each in (store, rasas):
        await each.save(tracker)
    assert isinstance(store.store["a"], bytes)
    ours, theirs = await store.retrieve("a"), await rasas.retrieve("a")
    assert ours.current_state(EventVerbosity.ALL) == theirs.current_state(EventVerbosity.ALL)
    assert ours.get_slot("abuse_type") == "stalking" and len(ours.events) == 17


async def test_a_read_conversation_is_a_copy_until_it_is_saved(monkeypatch):
    store = make_store(monkeypatch, "1800", DOMAIN)
    await store.save(conversation("a"))
    tracker = await store.retrieve("a")
    tracker.latest_message.intent["name"] = "changed in place"
    tracker.update(UserUttered("not saved"))
    again = await store.retrieve("a")
    assert len(again.events) == 17
    assert again.latest_message.intent["name"] == "ask_abuse_type"
