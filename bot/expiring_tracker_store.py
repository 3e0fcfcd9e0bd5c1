"""In-memory tracker store whose conversations expire, like Redis's `record_exp`.

Rasa's own in-memory store keeps every conversation until the process stops. This one
deletes a conversation CONVERSATION_TTL_SECONDS (default 1800) after its last message, so
"deleted after 30 minutes with no messages" holds in the default set-up too.

It keeps each conversation as its events, the objects themselves, not as JSON. Rasa's own
in-memory store writes the whole conversation out as JSON at every save and reads it back
at every retrieve (every event turned into a dict, dumped, loaded and built again): 9% of
the Rasa process's samples at 50 concurrent conversations (py-spy, 2026-12-07), for a copy
nothing needs. Rasa never changes an event once it is on a tracker (where it edits one, it
edits a deep copy: `_revert_affirmation_events`, `_message_clarification`), so a retrieved
tracker can replay the same objects. Keeping them also lets bot/resumable_states.py carry a
conversation's dialogue states on from its last message, since it recognises the same event
objects. The cost is memory: a five-message conversation holds 38 KB as objects, 12 KB as
JSON (tracemalloc), until it expires; Redis (bot/endpoints.redis.yml) is the store for more.

It also notes the intent of each conversation's latest message when it is saved, so the
gateway channel can tell whether a message was an emergency without rebuilding the whole
conversation from the store (`bot/gateway_channel.py`, `was_emergency`); the note is deleted
with the conversation.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from bot import resumable_states


def latest_intent(tracker: DialogueStateTracker | None) -> str | None:
    """The name of the intent of the conversation's latest message, if there is one."""
    latest = tracker.latest_message if tracker else None
    return (latest.intent or {}).get("name") if latest else None


def _one_session(events: list[Any]) -> bool:
    """Whether Rasa's split into sessions gives one part: no session start, or one that is
    the first event (Rasa splits before each `action_session_start`)."""
    starts = [
        k
        for k, event in enumerate(events)
        if isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME
    ]
    return starts in ([], [0])


class ExpiringInMemoryTrackerStore(InMemoryTrackerStore):
    def __init__(
        self,
        domain: Domain,
        host: str | None = None,  # Rasa passes the endpoint's url; there is none here
        event_broker: EventBroker | None = None,
        record_exp: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain, event_broker, **kwargs)
        # sender -> the conversation's events (Rasa's store holds its JSON text here)
        self.store: dict[str, Dialogue] = {}  # type: ignore[assignment]
        ttl = record_exp if record_exp is not None else os.environ.get("CONVERSATION_TTL_SECONDS")
        self.record_exp = float(ttl or 1800)
        # sender -> time of last save; kept in that order, so the oldest come first
        self._saved_at: dict[str, float] = {}
        # sender -> the intent of the latest message, as `retrieve(sender).latest_message`
        # would give it (a new session resets it in both)
        self.latest_intents: dict[str, str | None] = {}

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)
        self.store[tracker.sender_id] = tracker.as_dialogue()  # a new list, the same events
        self.latest_intents[tracker.sender_id] = latest_intent(tracker)
        self._saved_at.pop(tracker.sender_id, None)
        self._saved_at[tracker.sender_id] = time.monotonic()
        self._expire()

    async def _retrieve(
        self, sender_id: str, fetch_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """As Rasa's in-memory store, replaying the kept events instead of parsing JSON."""
        self._expire()
        dialogue = self.store.get(sender_id)
        if dialogue is None:
            return None
        tracker = self.init_tracker(sender_id)
        tracker.recreate_from_dialogue(dialogue)
        if fetch_all_sessions:
            return tracker
        if _one_session(tracker.events):  # Rasa would rebuild it only to find the same
            return tracker
        sessions = get_trackers_for_conversation_sessions(tracker)  # the last one only
        return sessions[-1] if len(sessions) > 1 else tracker

    async def keys(self) -> Iterable[str]:
        self._expire()
        return await super().keys()

    def forget(self, sender: str) -> None:
        """Deletes the conversation and everything noted about it."""
        self.store.pop(sender, None)
        self._saved_at.pop(sender, None)
        self.latest_intents.pop(sender, None)
        resumable_states.forget(sender)

    def _expire(self) -> None:
        cutoff = time.monotonic() - self.record_exp
        while self._saved_at:
            sender, saved_at = next(iter(self._saved_at.items()))
            if saved_at > cutoff:
                break
            self.forget(sender)
