"""Actions that only read the conversation run on it, not on a copy of it.

Why: before running each action Rasa 3.6 makes a temporary copy of the conversation
(`MessageProcessor._run_action`: "we might need to discard the policy events"), and
`DialogueStateTracker.copy` rebuilds it by replaying every event: 4% of the Rasa process's
samples at 50 concurrent conversations (py-spy, 2026-12-07). For nearly every action the
copy is never needed: the policy added no events to discard, and the action only reads the
conversation (a response fills its slots into the text, listening does nothing, a custom
action sends the conversation to the action server and returns the server's events; the
processor applies whatever an action returns to the real conversation afterwards).

What: `install()` wraps `_run_action`. When the prediction carries no events and the action
is one of READ_ONLY (those exact classes, read in Rasa 3.6.21's source), the conversation's
own `copy` answers with the conversation itself for the length of the call; it is the only
`copy` in that call. Anything else gets Rasa's copy as before: a form, a default action that
changes the tracker, and any prediction with events, because Rasa applies those to the
copy (the rule policy's mark on the message, on the first action after most messages).
tests/bot/test_read_only_actions.py runs conversations through the trained bot with and
without it and compares every event.

Installed when the gateway channel is imported (bot/gateway_channel.py), like the other
patches there.
"""

from __future__ import annotations

from typing import Any

from rasa.core.actions.action import ActionBotResponse, ActionListen, RemoteAction
from rasa.core.processor import MessageProcessor

_ORIGINAL = MessageProcessor._run_action
READ_ONLY = (ActionBotResponse, ActionListen, RemoteAction)


async def _run_action(
    self: MessageProcessor,
    action: Any,
    tracker: Any,
    output_channel: Any,
    nlg: Any,
    prediction: Any,
) -> bool:
    """Rasa's `_run_action`, without the copy where nothing would be discarded from it."""
    if prediction.events or type(action) not in READ_ONLY:
        return await _ORIGINAL(self, action, tracker, output_channel, nlg, prediction)
    tracker.copy = lambda: tracker  # shadows the class's method on this object only
    try:
        return await _ORIGINAL(self, action, tracker, output_channel, nlg, prediction)
    finally:
        del tracker.copy


def install() -> None:
    """Idempotent: patches MessageProcessor._run_action once per process."""
    MessageProcessor._run_action = _run_action  # type: ignore[method-assign]


def installed() -> bool:
    return MessageProcessor._run_action is _run_action


install()
