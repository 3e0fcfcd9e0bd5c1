"""The gateway channel: intent injection is refused, offered choices work, forgetting works."""

from __future__ import annotations

import pytest
from rasa.core.tracker_store import (
    AwaitableTrackerStore,
    FailSafeTrackerStore,
    InMemoryTrackerStore,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.gateway_channel import delete_conversation, has_helpline, resolve_choice, was_emergency

SENDER = "web-abc"
OFFERED = [
    {"title": "Find support", "payload": "/find_service"},
    {"title": "Danger", "payload": "/emergency"},
]


@pytest.fixture
async def store():
    # wrapped as `rasa run` wraps it
    store = AwaitableTrackerStore(FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty())))
    tracker = DialogueStateTracker(SENDER, slots=[])
    tracker.update(UserUttered("hello"))
    tracker.update(BotUttered("What would you like?", data={"buttons": OFFERED}))
    await store.save(tracker)
    return store


async def test_plain_text_passes_through(store):
    assert await resolve_choice(store, SENDER, "who can help me", "web") == "who can help me"


async def test_an_offered_button_payload_runs_as_its_intent(store):
    assert await resolve_choice(store, SENDER, "/find_service", "web") == "/find_service"


@pytest.mark.parametrize(
    "typed",
    ["/greet", '/find_service{"borough": "atlantis"}', "//emergency", "/ask_myth_alcohol"],
)
async def test_any_other_slash_text_is_plain_text(store, typed):
    resolved = await resolve_choice(store, SENDER, typed, "web")
    assert not resolved.startswith("/")


async def test_slash_text_in_a_new_conversation_is_plain_text(store):
    assert not (await resolve_choice(store, "someone-new", "/emergency", "web")).startswith("/")


async def test_on_sms_a_number_picks_the_offered_choice(store):
    assert await resolve_choice(store, SENDER, "2", "sms") == "/emergency"
    assert await resolve_choice(store, SENDER, " 1 ", "sms") == "/find_service"
    assert await resolve_choice(store, SENDER, "7", "sms") == "7"
    assert await resolve_choice(store, SENDER, "2", "web") == "2"


async def test_choices_expire_once_the_person_writes_again(store):
    tracker = await store.retrieve(SENDER)
    tracker.update(UserUttered("something else"))
    await store.save(tracker)
    assert await resolve_choice(store, SENDER, "1", "sms") == "1"


async def test_delete_conversation_removes_it(store):
    assert await store.exists(SENDER)
    delete_conversation(store, SENDER)
    assert not await store.exists(SENDER)


def test_a_store_that_cannot_be_emptied_is_refused():
    class Unknown:  # neither a store it knows nor a wrapper of one
        pass

    with pytest.raises(RuntimeError, match="cannot delete conversations from Unknown"):
        delete_conversation(Unknown(), SENDER)


@pytest.mark.parametrize(
    "text, found",
    [
        ("National Domestic Abuse Helpline\nCall 0808 2000 247", True),
        ("Rape Crisis: 0808 500 2222", True),
        ("Samaritans 116 123", True),
        ("Call 999 now. Press 55 when asked.", False),
    ],
)
def test_helpline_numbers_are_recognised_but_999_is_not(text, found):
    assert has_helpline([{"text": text}]) is found


async def test_an_emergency_is_recognised_from_the_stored_conversation(store):
    tracker = await store.retrieve(SENDER)
    tracker.update(UserUttered("he has a knife", intent={"name": "emergency", "confidence": 1.0}))
    await store.save(tracker)
    assert await was_emergency(store, SENDER)
    assert not await was_emergency(store, "someone-new")


@pytest.fixture
async def expiring():
    """The default set-up's store, wrapped as Rasa wraps it."""
    from bot.expiring_tracker_store import ExpiringInMemoryTrackerStore

    memory = ExpiringInMemoryTrackerStore(Domain.empty(), record_exp=60)
    return memory, AwaitableTrackerStore(FailSafeTrackerStore(memory))


async def whole_read(store, sender: str) -> bool:
    """was_emergency's answer from the conversation read again, as for other stores."""
    tracker = await store.retrieve(sender)
    intent = (tracker.latest_message.intent or {}) if tracker and tracker.latest_message else {}
    return intent.get("name") == "emergency"


async def test_the_in_memory_store_answers_without_reading_the_conversation_again(
    expiring, monkeypatch
):
    memory, store = expiring
    tracker = await store.get_or_create_tracker(SENDER)
    steps = [
        UserUttered("he has a knife", intent={"name": "emergency", "confidence": 1.0}),
        UserUttered("thanks", intent={"name": "thanks", "confidence": 0.9}),
        UserUttered("he's back", intent={"name": "emergency", "confidence": 0.4}),
        SessionStarted(),
        UserUttered("hello", intent={"name": "greet", "confidence": 0.9}),
    ]
    for event in steps:
        tracker.update(event)
        await store.save(tracker)
        expected = await whole_read(store, SENDER)

        async def no_read(*args, **kwargs):
            raise AssertionError("read the whole conversation again")

        monkeypatch.setattr(store, "retrieve", no_read)
        assert await was_emergency(store, SENDER) is expected
        monkeypatch.undo()
    assert not await was_emergency(store, "someone-new")


async def test_what_the_store_noted_goes_with_the_conversation(expiring):
    memory, store = expiring
    tracker = await store.get_or_create_tracker(SENDER)
    tracker.update(UserUttered("he has a knife", intent={"name": "emergency", "confidence": 1.0}))
    await store.save(tracker)
    assert memory.latest_intents == {SENDER: "emergency"}
    delete_conversation(store, SENDER)
    assert not await store.exists(SENDER) and memory.latest_intents == {}
    await store.save(tracker)
    memory.record_exp = 0  # expired at the next look
    assert not await store.exists(SENDER) and memory.latest_intents == {}
