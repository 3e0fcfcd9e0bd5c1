"""Rasa's copies for debug log lines (bot/quiet_log_copies.py): installed by the gateway
channel, made only when debug lines are written, and used for nothing else."""

from __future__ import annotations

import ast
import inspect
import logging

import pytest
from rasa.utils.log_utils import configure_structlog

import bot.gateway_channel  # noqa: F401  # installs it, as `rasa run` does
from bot import quiet_log_copies


def test_the_gateway_channel_installs_it():
    assert quiet_log_copies.installed()
    quiet_log_copies.install()
    assert quiet_log_copies.installed()


def structlogger_calls(tree: ast.AST) -> list[ast.Call]:
    """Every `structlogger.<level>(...)` call in a module's syntax tree."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "structlogger"
    ]


@pytest.mark.parametrize("module", quiet_log_copies.MODULES, ids=lambda m: m.__name__)
def test_every_copy_in_the_module_is_an_argument_of_a_log_call(module):
    tree = ast.parse(inspect.getsource(module))
    log_arguments = {id(k.value) for call in structlogger_calls(tree) for k in call.keywords}
    uses = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "copy"
    ]
    assert uses, "no copy left: the patch is not needed for this module any more"
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and node.func in uses  # copy.x(...) calls
    ]
    assert len(calls) == len(uses)  # no other use of `copy` (passed on, aliased...)
    assert all(isinstance(c.func, ast.Attribute) and c.func.attr == "deepcopy" for c in calls)
    assert all(id(c) in log_arguments for c in calls)


@pytest.fixture
def log_level():
    yield configure_structlog
    configure_structlog(logging.WARNING)


def test_no_copy_while_debug_lines_are_dropped(log_level):
    states = [{"user": {"intent": "greet"}}]
    log_level(logging.INFO)
    assert quiet_log_copies.debug_lines_dropped()
    for module in quiet_log_copies.MODULES:
        assert module.copy.deepcopy(states) is states


def test_copies_as_before_when_debug_lines_are_written(log_level):
    states = [{"user": {"intent": "greet"}}]
    log_level(logging.DEBUG)
    assert not quiet_log_copies.debug_lines_dropped()
    for module in quiet_log_copies.MODULES:
        copied = module.copy.deepcopy(states)
        assert copied == states and copied is not states and copied[0] is not states[0]
    assert quiet_log_copies.COPY_FOR_LOGS.copy is __import__("copy").copy  # the rest as is


def test_the_rule_policy_formats_its_states_only_for_its_debug_line():
    """The one use of `format_tracker_states` in Rasa: a name passed to the debug call."""
    from rasa.core.policies import rule_policy

    tree = ast.parse(inspect.getsource(rule_policy))
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format_tracker_states"
    ]
    assert len(calls) == 1
    assigned = [
        node for node in ast.walk(tree) if isinstance(node, ast.Assign) and node.value is calls[0]
    ]
    [name] = [target.id for target in assigned[0].targets]
    reads = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
    ]
    debug_calls = [call for call in structlogger_calls(tree) if call.func.attr == "debug"]
    inside_debug = {id(n) for call in debug_calls for n in ast.walk(call)}
    assert reads and all(id(read) in inside_debug for read in reads)


def test_the_states_are_formatted_as_rasa_does_when_debug_lines_are_written(log_level):
    from rasa.core.policies.policy import Policy
    from rasa.core.policies.rule_policy import RulePolicy

    states = [{"user": {"intent": "greet"}}, {"prev_action": {"action_name": "utter_greet"}}]
    log_level(logging.INFO)
    assert RulePolicy.format_tracker_states(states) == ""
    log_level(logging.DEBUG)
    assert RulePolicy.format_tracker_states(states) == Policy.format_tracker_states(states)
    assert "greet" in RulePolicy.format_tracker_states(states)
