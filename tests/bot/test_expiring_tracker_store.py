"""The default tracker store (bot/endpoints.yml): in memory, and conversations expire."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.expiring_tracker_store import ExpiringInMemoryTrackerStore
from bot.gateway_channel import delete_conversation

ENDPOINTS = Path(__file__).resolve().parents[2] / "bot" / "endpoints.yml"


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
