"""The "Is this abuse?" check: clear the previous answers before asking again.

The form itself is Rasa's own (bot/domain/is_this_abuse.yml); its slots are filled by
slot mappings. This action only empties them, so a second check asks every question again
instead of finishing at once with the old answers.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

CHECK_SLOTS = (
    "check_monitoring",
    "check_isolation",
    "check_money",
    "check_fear",
    "check_harm",
    "check_concern",
)


class ActionResetCheck(Action):
    def name(self) -> str:
        return "action_reset_check"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        return [SlotSet(slot, None) for slot in CHECK_SLOTS]
