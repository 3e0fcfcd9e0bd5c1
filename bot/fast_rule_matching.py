"""RulePolicy's rule matching: only the rules that can fit the newest turn, and only as far
back as those rules reach.

Why: for every prediction Rasa 3.6's RulePolicy filters its rule keys against the
conversation's states, newest first (`_get_possible_keys`). A rule constrains only as many
turns as it has states: at an older turn `_is_rule_applicable` returns True for it. Rasa
still walks the whole conversation, calling `_is_rule_applicable` for every remaining rule
at every older turn, and each call parses the rule (from an lru cache) and reverses its
states into a new list. So the matching grows with the conversation, not with the rules:
7.2% of the Rasa process's samples at 50 concurrent five-message conversations (py-spy,
2026-11-27), the longest rules being a few turns.

What: `install()` replaces `_get_possible_keys` with the same filter, but

- at the newest turn it starts from the rules whose newest state asks for the action that
  was just run (an index by that action, built once per rule table) and the rules without a
  previous action; every other rule fails Rasa's check there, which requires a rule's
  previous action to equal the conversation's;
- it stops once the turn is older than the longest rule still in the running (from there
  Rasa's filter keeps every key);

and `_is_rule_applicable` with Rasa's own body reading each rule's reversed states from a
cache instead of rebuilding them. Only rules that would fail are skipped, and the others are
checked against the same states in the same way, so the set of keys is Rasa's;
tests/bot/test_fast_rule_matching.py compares both on every prediction of conversations run
through the trained bot.

Then the answer is remembered, per rule table, for the newest states as far back as its
longest rule reaches: older states cannot change it (above), so the same newest states give
the same keys. Conversations pass through the same few states again and again (a greeting
after the start, a question after a greeting), so most predictions find their answer there;
at most MEMO_SIZE answers are kept per table (then the table's memo starts again). What
a person wrote is never kept: right after a message Rasa also asks with its text in the
newest state, and then the key holds only that there is a text, which is all the rules can
check when none of them names a text; if one does, such states are not remembered.

Installed when the gateway channel is imported (bot/gateway_channel.py), like the other
patches there.
"""

from __future__ import annotations

import functools
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import TEXT

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


class _NewestTurnIndex:
    """A rule table's keys by what their newest state asks of the previous action.

    Rasa's check of a rule's newest state against the conversation's newest state fails when
    exactly one of them has a previous action, and otherwise whenever a value the rule sets
    (not SHOULD_NOT_BE_SET) differs from the conversation's. So a rule asking for
    `action_name: utter_x` can only fit right after utter_x.
    """

    def __init__(self, lookup: dict[str, str]) -> None:
        self.lookup = lookup  # kept, so a new table at a reused id() is not mistaken for it
        self.size = len(lookup)
        self.open: list[str] = []  # rules that ask nothing of the previous action
        self.without_previous: list[str] = []  # conversation-start rules
        self.by_value: dict[tuple[str, Any], list[str]] = {}  # the one value they ask for
        self.by_values: list[tuple[tuple[tuple[str, Any], ...], str]] = []  # several values
        self.longest = max((len(_reversed_rule_states(key)) for key in lookup), default=0)
        self.rules_read_text = any(
            TEXT in (state.get(USER) or {})
            for key in lookup
            for state in _reversed_rule_states(key)
        )
        self.memo: dict[tuple, frozenset[str]] = {}  # newest states (as far as rules reach)
        for key in lookup:
            previous = _reversed_rule_states(key)[0].get(PREVIOUS_ACTION)
            if not previous:
                self.without_previous.append(key)
                continue
            asked = tuple(
                (name, tuple(value) if isinstance(value, list) else value)
                for name, value in previous.items()
                if value and value != SHOULD_NOT_BE_SET
            )
            if not asked:
                self.open.append(key)
            elif len(asked) == 1:
                self.by_value.setdefault(asked[0], []).append(key)
            else:
                self.by_values.append((asked, key))

    def candidates(self, newest: dict[str, Any]) -> set[str]:
        """Every key that can pass Rasa's check at the newest turn (and maybe some that don't)."""
        previous = newest.get(PREVIOUS_ACTION)
        if not previous:
            return set(self.without_previous)
        found = set(self.without_previous) | set(self.open)
        for name, value in previous.items():
            found.update(self.by_value.get((name, value), ()))
        for asked, key in self.by_values:
            if all(previous.get(name) == value for name, value in asked):
                found.add(key)
        return found


_INDEXES: dict[int, _NewestTurnIndex] = {}
MEMO_SIZE = 4096


_A_TEXT = object()  # stands for what a person wrote, in a key


class _NotKept(Exception):
    """A state the memo must not keep."""


def _frozen(state: dict[str, Any], rules_read_text: bool) -> tuple:
    """A dialogue state as a key: its parts and their values (strings and tuples) sorted,
    and a person's text only as the fact that there is one."""
    parts = []
    for part, value in state.items():
        if isinstance(value, dict):
            if part == USER and TEXT in value:
                if rules_read_text:
                    raise _NotKept
                value = {**value, TEXT: _A_TEXT}
            value = tuple(sorted(value.items(), key=lambda item: item[0]))
        parts.append((part, value))
    return tuple(sorted(parts, key=lambda item: item[0]))


def _index(lookup: dict[str, str]) -> _NewestTurnIndex:
    index = _INDEXES.get(id(lookup))
    if index is None or index.lookup is not lookup or index.size != len(lookup):
        index = _INDEXES[id(lookup)] = _NewestTurnIndex(lookup)
    return index


def _get_possible_keys(
    self: RulePolicy, lookup: dict[str, str], states: list[dict[str, Any]]
) -> set[str]:
    """Rasa's filter, from the rules that can fit the newest turn, as far back as they reach;
    remembered for the newest states."""
    if not states:
        return set(lookup.keys())
    index = _index(lookup)
    newest = states[max(0, len(states) - index.longest) :]
    try:
        key = tuple(_frozen(state, index.rules_read_text) for state in newest)
        found = index.memo.get(key)
    except (TypeError, _NotKept):  # a value that cannot be a key (a list), or a text
        key = found = None
    if found is None:
        found = frozenset(_filter(self, index, states))
        if key is not None:
            if len(index.memo) >= MEMO_SIZE:
                index.memo.clear()
            index.memo[key] = found
    return set(found)


def _filter(self: RulePolicy, index: _NewestTurnIndex, states: list[dict[str, Any]]) -> set[str]:
    """The filter itself: Rasa's, from the newest turn's candidates, as far as they reach."""
    possible_keys = index.candidates(states[-1])
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
