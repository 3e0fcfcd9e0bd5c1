"""Rasa decides once per domain whether the domain is empty, not on every message.

Why: after parsing each message Rasa 3.6 checks the parse against the domain
(`MessageProcessor._check_for_unseen_features`), and first asks `Domain.is_empty()`, which
builds a fresh empty Domain and compares both as dictionaries: about 2.5% of the Rasa
process's CPU under load (py-spy, docs/benchmarks.md) for an answer that cannot change.

What: `install()` replaces `Domain.is_empty` with one that asks Rasa's own once per Domain
object and keeps the answer on it. A Domain is built when the model loads and is not changed
afterwards (Rasa makes a new one for a new model), so the answer is the one Rasa's own would
give on every call.

Installed when the gateway channel is imported (bot/gateway_channel.py), like
bot/fast_action_validation.py; tested in tests/bot/test_domain_empty_check.py.
"""

from __future__ import annotations

from rasa.shared.core.domain import Domain

_ORIGINAL = Domain.is_empty
_ANSWER = "_vawg_is_empty"  # the attribute that keeps the answer on the Domain


def _is_empty(self: Domain) -> bool:
    """As Domain.is_empty in Rasa 3.6, computed once per Domain."""
    answer = self.__dict__.get(_ANSWER)
    if answer is None:
        answer = _ORIGINAL(self)
        self.__dict__[_ANSWER] = answer
    return answer


def install() -> None:
    """Idempotent: patches Domain.is_empty once per process."""
    Domain.is_empty = _is_empty  # type: ignore[method-assign]


def installed() -> bool:
    return Domain.is_empty is _is_empty


install()
