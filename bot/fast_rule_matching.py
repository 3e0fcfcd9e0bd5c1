"""RulePolicy's rule matching stops at the oldest turn any remaining rule reaches.

Why: for every prediction Rasa 3.6's RulePolicy filters its rule keys against the
conversation's states, newest first (`_get_possible_keys`). A rule constrains only as many
turns as it has states: at an older turn `_is_rule_applicable` returns True for it. Rasa
still walks the whole conversation, calling `_is_rule_applicable` for every remaining rule
at every older turn, and each call parses the rule (from an lru cache) and reverses its
states into a new list. So the matching grows with the conversation, not with the rules:
7.2% of the Rasa process's samples at 50 concurrent five-message conversations (py-spy,
2026-11-27), the longest rules being a few turns.

What: `install()` replaces `_get_possible_keys` with the same filter that stops once the
turn is older than the longest rule still in the running (from there Rasa's filter keeps
every key), and `_is_rule_applicable` with Rasa's own body reading each rule's reversed
states from a cache instead of rebuilding them. The same rules are checked against the same
states in the same way, so the set of keys is Rasa's; tests/bot/test_fast_rule_matching.py
compares both on every prediction of conversations run through the trained bot.

Installed when the gateway channel is imported (bot/gateway_channel.py), like the other
patches there.
"""

from __future__ import annotations

import functools
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION

_ORIGINAL_POSSIBLE_KEYS = RulePolicy._get_possible_keys
_ORIGINAL_IS_APPLICABLE = RulePolicy._is_rule_applicable


@functools.lru_cache(maxsize=4096)
def _reversed_rule_states(rule_key: str) -> tuple[dict[str, Any], ...]:
    """A rule's states, newest first (read only: `_does_rule_match_state` never writes)."""
    return tuple(reversed(RulePolicy._rule_key_to_state(rule_key)))


def _is_rule_applicable(
    self: RulePolicy, rule_key: str, turn_index: int, conversation_state: dict[str, Any]
) -> bool:
    """Rasa 3.6's `_is_rule_applicable`, the rule's reversed states from the cache."""
    reversed_rule_states = _reversed_rule_states(rule_key)
    if turn_index >= len(reversed_rule_states):
        return True
    current_previous_action = conversation_state.get(PREVIOUS_ACTION)
    rule_previous_action = reversed_rule_states[turn_index].get(PREVIOUS_ACTION)
    if not rule_previous_action and not current_previous_action:
        return True
    if not rule_previous_action or not current_previous_action:
        return False
    return self._does_rule_match_state(reversed_rule_states[turn_index], conversation_state)


def _get_possible_keys(
    self: RulePolicy, lookup: dict[str, str], states: list[dict[str, Any]]
) -> set[str]:
    """Rasa's filter over the newest turns only: as far back as a remaining rule reaches."""
    possible_keys = set(lookup.keys())
    for turn_index, state in enumerate(reversed(states)):
        reach = max((len(_reversed_rule_states(key)) for key in possible_keys), default=0)
        if turn_index >= reach:
            break  # every remaining rule is applicable at this turn and every older one
        possible_keys = {
            key for key in possible_keys if self._is_rule_applicable(key, turn_index, state)
        }
    return possible_keys


def install() -> None:
    """Idempotent: patches RulePolicy once per process."""
    RulePolicy._is_rule_applicable = _is_rule_applicable  # type: ignore[method-assign]
    RulePolicy._get_possible_keys = _get_possible_keys  # type: ignore[method-assign]


def installed() -> bool:
    return RulePolicy._get_possible_keys is _get_possible_keys


install()
