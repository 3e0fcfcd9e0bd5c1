"""Dialogue states carried on from the last prediction (bot/resumable_states.py): installed
by the gateway channel, and on every call the states Rasa's own loop makes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUtteranceReverted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import bot.gateway_channel  # noqa: F401  # installs it, as `rasa run` does
from bot import resumable_states
from tests.bot import trained_bot

ROOT = Path(__file__).resolve().parents[2]
FLAGS = [(False, False), (False, True), (True, False), (True, True)]


def test_the_gateway_channel_installs_it():
    assert resumable_states.installed()
    resumable_states.install()
    assert resumable_states.installed()


def rasas(domain, tracker, omit, ignore, rule_only=None):
    return resumable_states._ORIGINAL(domain, tracker, omit, ignore, rule_only)


@pytest.fixture(scope="module")
def domain():
    return Domain.load(str(ROOT / "bot" / "domain"))


def user(intent: str, text: str = "x") -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def test_a_growing_tracker_gets_rasas_states_each_time_and_callers_cannot_spoil_them(domain):
    tracker = DialogueStateTracker.from_events("grow", [], slots=domain.slots)
    rule_only = {"slots": ["abuse_type"], "loops": []}
    turns = [
        ActionExecuted("action_listen"),
        user("greet"),
        ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
        user("find_service"),
        SlotSet("abuse_type", "stalking"),
        ActionExecuted("action_find_service", hide_rule_turn=True),
        ActionExecuted("action_listen"),
        user("thanks"),
    ]
    for event in turns:
        tracker.update(event, domain)
        for omit, ignore in FLAGS:
            for data in (None, rule_only):
                ours = domain.states_for_tracker_history(tracker, omit, ignore, data)
                assert ours == rasas(domain, tracker, omit, ignore, data)
                for state in ours:  # what a caller does to its copy stays there
                    for part in state.values():
                        part.clear()


def test_a_reverted_message_is_computed_again(domain):
    tracker = DialogueStateTracker.from_events("revert", [], slots=domain.slots)
    for event in [ActionExecuted("action_listen"), user("greet"), ActionExecuted("utter_greet")]:
        tracker.update(event, domain)
    domain.states_for_tracker_history(tracker)
    for event in [ActionExecuted("action_listen"), user("bye"), UserUtteranceReverted()]:
        tracker.update(event, domain)
        assert domain.states_for_tracker_history(tracker) == rasas(domain, tracker, False, False)
    other = DialogueStateTracker.from_events("revert", list(tracker.events)[:2], domain.slots)
    assert domain.states_for_tracker_history(other) == rasas(domain, other, False, False)


@pytest.mark.skipif(not trained_bot.MODEL.exists(), reason="no trained model: scripts/setup.sh")
async def test_the_trained_bot_gets_rasas_states_on_every_call(monkeypatch):
    compared: list[int] = []

    def both(
        self, tracker, omit_unset_slots=False, ignore_rule_only_turns=False, rule_only_data=None
    ):
        rule_only = rule_only_data
        ours = resumable_states.states_for_tracker_history(
            self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only
        )
        assert ours == rasas(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only)
        compared.append(len(ours))
        return ours

    monkeypatch.setattr(Domain, "states_for_tracker_history", both)
    await trained_bot.talk(trained_bot.load(), "states")
    assert len(compared) > 40  # 53 when written: the rule policy asks once or twice per action
    assert max(compared) > 20
