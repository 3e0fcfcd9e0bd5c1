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


@pytest.mark.parametrize("module", quiet_log_copies.MODULES, ids=lambda m: m.__name__)
def test_every_copy_in_the_module_is_an_argument_of_a_log_call(module):
    tree = ast.parse(inspect.getsource(module))
    log_arguments = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "structlogger"
        ):
            log_arguments.update(id(k.value) for k in node.keywords)
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
