"""Rasa's check of action-server answers with a validator built once
(bot/fast_action_validation.py): installed by the gateway channel, as strict as Rasa's own."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

import bot.gateway_channel  # noqa: F401  # installs it, as `rasa run` does
from bot import fast_action_validation

VALID = {
    "events": [{"event": "slot", "name": "check_fear", "value": None, "timestamp": None}],
    "responses": [{"text": "When it is safe, you can talk to someone any time:", "buttons": []}],
}
INVALID = [
    {"events": [{"event": "slot", "name": "check_fear"}], "responses": []},  # no value
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [], "responses": ["a reply must be an object"]},
    ["not", "an", "object"],
]


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_signpost_emergency", EndpointConfig("http://127.0.0.1:5055"))


def test_the_gateway_channel_installs_it():
    assert fast_action_validation.installed()
    fast_action_validation.install()  # a second import or call changes nothing
    assert fast_action_validation.installed()


def test_a_valid_answer_is_accepted(action):
    assert action._validate_action_result(VALID) is True
    assert action._validate_action_result({}) is True  # both keys are optional, as in Rasa


@pytest.mark.parametrize("answer", INVALID)
def test_an_invalid_answer_is_refused_as_rasa_refuses_it(action, answer):
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(answer)
    with pytest.raises(ValidationError) as rasas:
        fast_action_validation._ORIGINAL(action, answer)
    assert ours.value.message == rasas.value.message
    assert "Failed to validate Action server response" in ours.value.message
