"""The bot side of the actions: the language slot reaches the directory, and the guided
check's reset empties every answer (Rasa environment)."""

from __future__ import annotations

from pathlib import Path

import yaml
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as actions_module
from actions.actions import ActionFindService
from actions.forms import CHECK_SLOTS, ActionResetCheck
from tests.actions.conftest import make_tracker

ROOT = Path(__file__).resolve().parents[2]


class RecordingDirectory:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    async def find_services(self, **filters):
        self.calls.append(filters)
        return []


async def test_the_language_slot_goes_to_the_directory(monkeypatch):
    directory = RecordingDirectory()
    monkeypatch.setattr(actions_module, "directory", lambda: directory)
    await ActionFindService().run(CollectingDispatcher(), make_tracker(language="ar"), {})
    assert directory.calls[0]["language"] == "ar"


async def test_the_check_reset_empties_every_answer_of_the_form():
    events = await ActionResetCheck().run(CollectingDispatcher(), make_tracker(), {})
    domain = yaml.safe_load((ROOT / "bot" / "domain" / "is_this_abuse.yml").read_text())
    form_slots = set(domain["forms"]["is_this_abuse_form"]["required_slots"])
    assert form_slots | {"check_concern"} == set(CHECK_SLOTS)
    assert events == [SlotSet(slot, None) for slot in CHECK_SLOTS]
