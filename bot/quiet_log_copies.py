"""Rasa's copies for debug log lines are made only when debug lines are written.

Why: Rasa 3.6's message processor, rule policy and memoization policy pass deep copies of
events, dialogue states and parse data to `structlogger.debug(...)`. Python evaluates the
arguments before the call, so every message pays for the copies, and structlog then drops
the line because the debug level is off: 8.5% of the Rasa process's samples were in
`copy.deepcopy` at 50 concurrent conversations (py-spy, 2026-11-27), all of them there.

What: in those three modules the name `copy` is replaced by a stand-in whose `deepcopy`
hands back its argument itself while structlog drops debug lines, and copies as before when
they are written (`rasa run --debug`). Every `copy.` in those modules is a `copy.deepcopy`
passed as an argument of a structlog call, nothing else uses it there;
tests/bot/test_quiet_log_copies.py reads their source to check that this still holds.

The rule policy also formats the dialogue states as text for one of those lines
(`format_tracker_states`, its only use in Rasa): 1.3% of the samples (py-spy, 2026-12-07).
`RulePolicy.format_tracker_states` is likewise Rasa's own only while debug lines are
written, and an empty text while they are dropped.

Installed when the gateway channel is imported (bot/gateway_channel.py), like the other
patches there.
"""

from __future__ import annotations

import copy
import types
from typing import Any

import rasa.core.policies.memoization
import rasa.core.policies.rule_policy
import rasa.core.processor
import structlog
from rasa.core.policies.rule_policy import RulePolicy
from structlog._native import _nop

MODULES = (
    rasa.core.processor,
    rasa.core.policies.rule_policy,
    rasa.core.policies.memoization,
)


def debug_lines_dropped() -> bool:
    """Whether structlog, as configured now, drops debug lines (Rasa's filtering logger)."""
    wrapper = structlog.get_config()["wrapper_class"]
    return getattr(wrapper, "debug", None) is _nop


class _CopyForLogs(types.ModuleType):
    """`copy`, except that `deepcopy` copies nothing while debug lines are dropped."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(x: Any, memo: dict | None = None) -> Any:
        if debug_lines_dropped():
            return x  # only ever a log argument, and the line will not be written
        return copy.deepcopy(x, memo)


COPY_FOR_LOGS = _CopyForLogs("copy")
_FORMAT_TRACKER_STATES = RulePolicy.format_tracker_states


def _format_tracker_states_for_logs(states: list[dict[str, Any]]) -> str:
    """Rasa's text of the states for the rule policy's debug line, when it is written."""
    return "" if debug_lines_dropped() else _FORMAT_TRACKER_STATES(states)


def install() -> None:
    """Idempotent: replaces `copy` in each of MODULES."""
    for module in MODULES:
        if getattr(module, "copy", None) not in (copy, COPY_FOR_LOGS):
            raise RuntimeError(f"{module.__name__}.copy is not the copy module: check Rasa")
        module.copy = COPY_FOR_LOGS  # type: ignore[attr-defined]
    RulePolicy.format_tracker_states = staticmethod(_format_tracker_states_for_logs)  # type: ignore[method-assign,assignment]


def installed() -> bool:
    return (
        all(module.copy is COPY_FOR_LOGS for module in MODULES)  # type: ignore[attr-defined]
        and RulePolicy.format_tracker_states is _format_tracker_states_for_logs
    )


install()
