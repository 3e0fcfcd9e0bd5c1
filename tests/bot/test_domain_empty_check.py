"""Domain.is_empty answered once per domain (bot/domain_empty_check.py): installed by the
gateway channel, and the same answer as Rasa's own for empty and non-empty domains."""

from __future__ import annotations

import copy
from pathlib import Path

from rasa.shared.core.domain import Domain

import bot.gateway_channel  # noqa: F401  # installs it, as `rasa run` does
from bot import domain_empty_check

DOMAIN = Path(__file__).resolve().parents[2] / "bot" / "domain"


def test_the_gateway_channel_installs_it():
    assert domain_empty_check.installed()
    domain_empty_check.install()
    assert domain_empty_check.installed()


def test_the_answer_is_rasas_and_is_worked_out_once(monkeypatch):
    empty, project = Domain.empty(), Domain.load(str(DOMAIN))
    assert domain_empty_check._ORIGINAL(empty) is True
    assert domain_empty_check._ORIGINAL(project) is False
    calls = []
    original = domain_empty_check._ORIGINAL
    monkeypatch.setattr(domain_empty_check, "_ORIGINAL", lambda d: calls.append(d) or original(d))
    for _ in range(3):
        assert empty.is_empty() is True
        assert project.is_empty() is False
    # at most once each (loading a domain may already have asked)
    assert len({id(d) for d in calls}) == len(calls) <= 2


def test_a_copy_of_a_domain_works_its_answer_out_again():
    project = Domain.load(str(DOMAIN))
    assert project.is_empty() is False
    duplicate = copy.deepcopy(project)
    assert duplicate.is_empty() is False
    assert copy.deepcopy(Domain.empty()).is_empty() is True
