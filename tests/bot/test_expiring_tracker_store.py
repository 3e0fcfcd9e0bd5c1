"""The default tracker store (bot/endpoints.yml): in memory, and conversations expire."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
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

import bot.gateway_channel  # noqa: F401  # installs the patches, as `rasa run` does
from bot import expiring_tracker_store, resumable_states
from bot.expiring_tracker_store import ExpiringInMemoryTrackerStore
from bot.gateway_channel import delete_conversation

ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS = ROOT / "bot" / "endpoints.yml"


def make_store(monkeypatch, ttl: str) -> TrackerStore:
    monkeypatch.setenv("CONVERSATION_TTL_SECONDS", ttl)
    monkeypatch.setenv("ACTIONS_URL", "http://127.0.0.1:1")
    return TrackerStore.create(
        read_endpoint_config(str(ENDPOINTS), "tracker_store"), Domain.empty()
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


def _turn(text: str, intent: str) -> list:
    return [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent, "confidence": 0.9}),
        SlotSet("abuse_type", "stalking"),
        ActionExecuted(f"utter_{intent}"),
        BotUttered("I believe you.", {"buttons": [{"title": "Help", "payload": "/find_service"}]}),
    ]


SESSION_START = [ActionExecuted("action_session_start"), SessionStarted()]


@pytest.mark.parametrize(
    "events",
    [
        _turn("my ex follows me", "tell_abuse"),  # no session start
        SESSION_START + _turn("hi", "greet"),  # one, first: the usual conversation
        _turn("my ex follows me", "tell_abuse") + SESSION_START + _turn("hi", "greet"),
        SESSION_START + _turn("hi", "greet") + SESSION_START + _turn("thanks", "thanks"),
    ],
)
async def test_a_conversation_read_back_is_the_one_rasas_own_store_gives(events):
    """The store keeps the events themselves, not JSON, and skips Rasa's split into sessions
    when there is only one: what a retrieve gives must still be what Rasa's store gives,
    slots and all, for the whole conversation and for its last session."""
    domain = Domain.load(str(ROOT / "bot" / "domain"))
    ours = ExpiringInMemoryTrackerStore(domain, record_exp=60)
    rasas = InMemoryTrackerStore(domain)
    tracker = DialogueStateTracker("s", domain.slots)
    for event in events:
        tracker.update(event)
    for store in (ours, rasas):
        await store.save(tracker)
    for read in ("retrieve", "retrieve_full_tracker"):
        got, expected = await getattr(ours, read)("s"), await getattr(rasas, read)("s")
        assert got.current_state(EventVerbosity.ALL) == expected.current_state(EventVerbosity.ALL)
        assert len(got.events) == len(expected.events)


async def test_what_happens_to_a_retrieved_conversation_is_kept_only_when_saved(monkeypatch):
    store = make_store(monkeypatch, "1800")
    await say(store, "a")
    tracker = await store.retrieve("a")
    tracker.update(UserUttered("not saved"))
    assert [e.text for e in (await store.retrieve("a")).events] == ["hello"]
    await store.save(tracker)
    assert [e.text for e in (await store.retrieve("a")).events] == ["hello", "not saved"]


async def test_forgetting_a_conversation_also_drops_its_kept_dialogue_states(monkeypatch):
    domain = Domain.load(str(ROOT / "bot" / "domain"))
    store = ExpiringInMemoryTrackerStore(domain, record_exp=60)
    for sender in ("a", "b"):
        tracker = DialogueStateTracker(sender, domain.slots)
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered("hello", {"name": "greet", "confidence": 1.0}))
        domain.states_for_tracker_history(tracker)  # as the rule policy asks
        await store.save(tracker)
    kept = {key[1] for key in resumable_states._KEPT}
    assert {"a", "b"} <= kept
    store.forget("a")
    assert "a" not in {key[1] for key in resumable_states._KEPT}
    assert "b" in {key[1] for key in resumable_states._KEPT}


async def test_a_quiet_conversation_is_kept_as_text_and_reads_back_the_same(monkeypatch):
    """After HOT_SECONDS without a message the events are written out as JSON, as Rasa's own
    store writes them (no objects for the garbage collector to walk); reading it back, and
    going on with it, gives what Rasa's store gives."""
    monkeypatch.setattr(expiring_tracker_store, "HOT_SECONDS", 0.2)
    domain = Domain.load(str(ROOT / "bot" / "domain"))
    ours = ExpiringInMemoryTrackerStore(domain, record_exp=60)
    rasas = InMemoryTrackerStore(domain)
    tracker = DialogueStateTracker("s", domain.slots)
    for event in SESSION_START + _turn("my ex follows me", "tell_abuse"):
        tracker.update(event)
    for store in (ours, rasas):
        await store.save(tracker)
    assert not isinstance(ours.store["s"], str)
    await asyncio.sleep(0.3)
    await ours.keys()  # any use of the store writes out what has gone quiet
    assert ours.store["s"] == rasas.store["s"]
    got, expected = await ours.retrieve("s"), await rasas.retrieve("s")
    assert got.current_state(EventVerbosity.ALL) == expected.current_state(EventVerbosity.ALL)
    got.update(UserUttered("hello again", {"name": "greet", "confidence": 1.0}))
    await ours.save(got)
    assert not isinstance(ours.store["s"], str)  # going on again: objects again
    assert len((await ours.retrieve("s")).events) == len(expected.events) + 1
    ours.forget("s")
    assert "s" not in ours.store and "s" not in ours._hot
