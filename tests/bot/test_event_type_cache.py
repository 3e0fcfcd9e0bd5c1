"""Event classes looked up by name once (bot/event_type_cache.py): installed by the gateway
channel, the same classes, the same errors, and trackers read back the same."""

from __future__ import annotations

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SlotSet,
    UserUttered,
    deserialise_events,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

import bot.gateway_channel  # noqa: F401  # installs it, as `rasa run` does
from bot import event_type_cache


def test_the_gateway_channel_installs_it():
    assert event_type_cache.installed()
    event_type_cache.install()
    assert event_type_cache.installed()


def test_every_event_class_is_found_as_rasa_finds_it():
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is event_type_cache._ORIGINAL(cls.type_name)
        assert Event.resolve_by_type(cls.type_name) is event_type_cache._ORIGINAL(cls.type_name)


def test_unknown_names_are_not_remembered_and_fail_as_before():
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    assert "no_such_event" not in event_type_cache._FOUND
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")


async def test_a_tracker_reads_back_the_same():
    tracker = DialogueStateTracker("someone", slots=[])
    for event in (
        ActionExecuted("action_listen"),
        UserUttered("hello", intent={"name": "greet", "confidence": 0.9}),
        BotUttered("Hello. Is it safe to talk?", data={"buttons": []}),
        SlotSet("borough", "westminster"),
    ):
        tracker.update(event)
    serialised = [event.as_dict() for event in tracker.events]
    assert deserialise_events(serialised) == list(tracker.events)
    assert deserialise_events(serialised) == list(tracker.events)  # from the cache
    restored = DialogueStateTracker.from_dict("someone", serialised, Domain.empty().slots)
    assert restored.latest_message.intent["name"] == "greet"
