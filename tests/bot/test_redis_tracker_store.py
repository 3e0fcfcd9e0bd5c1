"""The scale-out tracker store, built from bot/endpoints.redis.yml against the local Redis:
conversations expire after the configured time, and forgetting deletes them at once."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import pytest
import redis
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.core.tracker_store import AwaitableTrackerStore, RedisTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot.gateway_channel import delete_conversation

pytestmark = pytest.mark.redis
ENDPOINTS = Path(__file__).resolve().parents[2] / "bot" / "endpoints.redis.yml"


@pytest.fixture
def redis_env(monkeypatch):
    client = redis.Redis(host="127.0.0.1", port=6379, db=0)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    for key, value in {
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_DB": "0",
        "CONVERSATION_TTL_SECONDS": "2",
        "ACTIONS_URL": "http://127.0.0.1:1",
    }.items():
        monkeypatch.setenv(key, value)
    return client


def make_store() -> TrackerStore:
    config = read_endpoint_config(str(ENDPOINTS), "tracker_store")
    return AwaitableTrackerStore.create(TrackerStore.create(config, Domain.empty()))


async def save_conversation(store: TrackerStore) -> str:
    sender = f"test-{uuid.uuid4().hex}"
    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(UserUttered("hello"))
    await store.save(tracker)
    return sender


async def test_the_redis_endpoints_give_a_redis_store_with_a_sliding_expiry(redis_env):
    store = make_store()
    assert isinstance(store._tracker_store, RedisTrackerStore)
    sender = await save_conversation(store)
    key = store._tracker_store.key_prefix + sender
    assert 0 < redis_env.ttl(key) <= 2
    assert redis_env.config_get("save")["save"] == "" or pytest.fail("Redis must not persist")


async def test_a_conversation_is_gone_after_its_expiry(redis_env):
    store = make_store()
    sender = await save_conversation(store)
    assert await store.exists(sender)
    await asyncio.sleep(2.5)
    assert not await store.exists(sender)


async def test_forgetting_deletes_the_conversation_from_redis(redis_env):
    store = make_store()
    sender = await save_conversation(store)
    delete_conversation(store, sender)
    assert not await store.exists(sender)
    assert redis_env.get(store._tracker_store.key_prefix + sender) is None


def test_the_lock_store_is_redis(redis_env):
    config = read_endpoint_config(str(ENDPOINTS), "lock_store")
    assert isinstance(LockStore.create(config), RedisLockStore)
