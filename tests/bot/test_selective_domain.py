"""Rasa sends the domain to the action server only for actions that ask for it: none does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import read_endpoint_config

ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS = ("endpoints.yml", "endpoints.redis.yml")


@pytest.mark.parametrize("name", ENDPOINTS)
def test_both_endpoint_files_enable_the_selective_domain(name, monkeypatch):
    variables = {"ACTIONS_URL": "http://127.0.0.1:5055", "REDIS_HOST": "127.0.0.1"}
    variables |= {"REDIS_PORT": "6379", "REDIS_DB": "0", "CONVERSATION_TTL_SECONDS": "1800"}
    for variable, value in variables.items():
        monkeypatch.setenv(variable, value)
    endpoint = read_endpoint_config(str(ROOT / "bot" / name), "action_endpoint")
    assert RemoteAction("action_find_service", endpoint)._is_selective_domain_enabled()


def test_no_custom_action_asks_for_the_domain():
    """The actions' tests (tests/actions) run every action with an empty domain, as it gets."""
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        for action in yaml.safe_load(path.read_text()).get("actions") or []:
            assert isinstance(action, str), f"{path.name}: {action} asks for the domain"
