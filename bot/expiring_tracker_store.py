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
objects. Only while a conversation is going on, though: HOT_SECONDS after its last message
it is written out as Rasa writes it, as JSON text. Kept as objects, a five-message
conversation holds 38 KB and 85 objects the garbage collector walks at each full
collection, against 12 KB and none as text (tracemalloc, 2026-12-07); thousands of finished
conversations kept as objects in a surge would make each full collection a pause of a
tenth of a second or more for every message in flight. A conversation read back from text
is rebuilt as Rasa's own store rebuilds it, so nothing is slower than in Rasa's store.

It also notes the intent of each conversation's latest message when it is saved, so the
gateway channel can tell whether a message was an emergency without rebuilding the whole
conversation from the store (`bot/gateway_channel.py`, `was_emergency`); the note is deleted
with the conversation.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from typing import Any

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from bot import resumable_states

# kept as objects this long after the conversation's last save, then as JSON text: about as
# long as many take to read an answer and write again (whoever takes longer is served as by
# Rasa's own store), and short enough that a surge's finished conversations leave soon
HOT_SECONDS = 30.0


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
        # sender -> the conversation's events, or their JSON text once it has gone quiet
        self.store: dict[str, Dialogue | str] = {}  # type: ignore[assignment]
        # sender -> time of last save, for the conversations kept as objects, oldest first
        self._hot: dict[str, float] = {}
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
        now = time.monotonic()
        for times in (self._saved_at, self._hot):
            times.pop(tracker.sender_id, None)
            times[tracker.sender_id] = now
        self._expire()

    async def _retrieve(
        self, sender_id: str, fetch_all_sessions: bool
    ) -> DialogueStateTracker | None:
        """As Rasa's in-memory store; a conversation still going on is replayed from its
        events, without parsing JSON."""
        self._expire()
        stored = self.store.get(sender_id)
        if stored is None:
            return None
        if isinstance(stored, str):
            tracker = self.deserialise_tracker(sender_id, stored)
            if tracker is None:
                return None
        else:
            tracker = self.init_tracker(sender_id)
            tracker.recreate_from_dialogue(stored)
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
        self._hot.pop(sender, None)
        self.latest_intents.pop(sender, None)
        resumable_states.forget(sender)

    def _expire(self) -> None:
        cutoff = time.monotonic() - self.record_exp
        while self._saved_at:
            sender, saved_at = next(iter(self._saved_at.items()))
            if saved_at > cutoff:
                break
            self.forget(sender)
        cutoff = time.monotonic() - HOT_SECONDS
        while self._hot:
            sender, saved_at = next(iter(self._hot.items()))
            if saved_at > cutoff:
                break
            del self._hot[sender]
            stored = self.store[sender]
            if isinstance(stored, Dialogue):  # written as Rasa's store writes it
                self.store[sender] = json.dumps(stored.as_dict())
