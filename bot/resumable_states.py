"""The dialogue states of a conversation are carried on from the last prediction, not
rebuilt from its first event for every policy and every next action.

Why: to predict each next action Rasa 3.6's policies ask the domain for the state before
every action of the conversation so far (`Domain.states_for_tracker_history`): a copy of the
tracker replays every event, and a state is made at each action. The rule policy asks once
or twice (and the memoization policy, before config.yml dropped it, once) for each of the two
or three actions that follow a message, and each time the whole history is replayed: 13% of
the Rasa process's samples at 50 concurrent conversations (py-spy, 2026-11-27), growing with
the conversation.

What: `install()` replaces `states_for_tracker_history` with Rasa's own loop, made
resumable. For each conversation and each way of asking (the flags and the rule-only data)
(by value) it keeps the replaying tracker, the states made so far and the loop's two variables. A
later call whose events (as `applied_events()` returns them) begin with exactly the same
event objects carries on from there: it replays only the new events and makes only the new
states. Anything else (a conversation read again from the tracker store, a reverted or
restarted one, a truncated copy) is computed from the first event, as Rasa does. Callers get
their own copies of the states (each state and each of its parts copied), so what they
change never reaches the kept ones. tests/bot/test_resumable_states.py compares every call
with Rasa's own on conversations through the trained bot.

Installed when the gateway channel is imported (bot/gateway_channel.py), like the other
patches there.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from typing import Any

from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

_ORIGINAL = Domain.states_for_tracker_history
# progress kept, least recently used out first: a few messages are handled at once (512 cost
# the same CPU as 32 at 25 concurrent conversations: side by side, 2026-12-07)
MAX_KEPT = 32


class _Progress:
    """How far Rasa's loop got for one conversation and one way of asking."""

    def __init__(self, domain: Domain, tracker: DialogueStateTracker) -> None:
        self.domain = domain  # kept, so another domain at a reused id() is not mistaken for it
        self.events: list[Any] = []  # the applied events replayed so far
        self.replay = tracker.init_copy()
        self.states: list[dict[str, Any]] = []
        self.last_ml_action_sub_state: Any = None
        self.turn_was_hidden = False


_KEPT: OrderedDict[tuple, _Progress] = OrderedDict()


def _rule_only_key(rule_only_data: dict[str, Any] | None) -> Any:
    """The rule-only slots and loops as a key (the rule policy makes a new dict each call)."""
    if not rule_only_data:
        return None
    return tuple(sorted((name, tuple(values)) for name, values in rule_only_data.items()))


def _step(
    domain: Domain,
    progress: _Progress,
    hide_rule_turn: bool,
    omit_unset_slots: bool,
    ignore_rule_only_turns: bool,
    rule_only_data: Any,
) -> None:
    """One pass of the body of Rasa 3.6's loop in `states_for_tracker_history`."""
    tr = progress.replay
    if ignore_rule_only_turns:
        if not progress.turn_was_hidden:
            progress.last_ml_action_sub_state = domain._get_prev_action_sub_state(tr)
        if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
            progress.turn_was_hidden = hide_rule_turn
        if progress.turn_was_hidden:
            return
    state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
    if ignore_rule_only_turns:
        domain._remove_rule_only_features(state, rule_only_data)
        if progress.states:
            domain._substitute_rule_only_user_input(state, progress.states[-1])
        if progress.last_ml_action_sub_state:
            state[PREVIOUS_ACTION] = progress.last_ml_action_sub_state
    progress.states.append(domain._clean_state(state))


def _copy(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each state and each of its parts new; the values inside (strings, tuples) shared."""
    return [
        {part: dict(value) if isinstance(value, dict) else value for part, value in s.items()}
        for s in states
    ]


def states_for_tracker_history(
    self: Domain,
    tracker: DialogueStateTracker,
    omit_unset_slots: bool = False,
    ignore_rule_only_turns: bool = False,
    rule_only_data: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """As Rasa's, carried on from the last call for the same conversation when it can be."""
    flags = (omit_unset_slots, ignore_rule_only_turns)
    key = (id(self), tracker.sender_id, flags, _rule_only_key(rule_only_data))
    applied = tracker.applied_events()
    progress = _KEPT.get(key)
    if (
        progress is None
        or progress.domain is not self
        or len(progress.events) > len(applied)
        or any(a is not b for a, b in zip(progress.events, applied, strict=False))
    ):
        progress = _Progress(self, tracker)
    _KEPT[key] = progress
    _KEPT.move_to_end(key)
    while len(_KEPT) > MAX_KEPT:
        _KEPT.popitem(last=False)

    # Rasa's generator yields the replaying tracker before each action, then at the end
    for event in applied[len(progress.events) :]:
        if isinstance(event, ActionExecuted):
            _step(self, progress, event.hide_rule_turn, *flags, rule_only_data)
        progress.replay.update(event)
    progress.events = applied

    # the last state (after every event) is made beside the progress, not in it: the next
    # call may have more events before the next action, and then this state is not part of it
    end = copy.copy(progress)
    end.states = list(progress.states)  # the step only reads the states before its own
    _step(self, end, False, *flags, rule_only_data)
    return _copy(end.states)


def forget(sender_id: str) -> None:
    """Drops what is kept for a conversation (its events hold what the person wrote)."""
    for key in [key for key in _KEPT if key[1] == sender_id]:
        del _KEPT[key]


def install() -> None:
    """Idempotent: patches Domain.states_for_tracker_history once per process."""
    Domain.states_for_tracker_history = states_for_tracker_history  # type: ignore[method-assign]


def installed() -> bool:
    return Domain.states_for_tracker_history is states_for_tracker_history


install()
