"""Rasa looks event classes up by name once per name, not once per event.

Why: every time Rasa reads a conversation from the tracker store (each message, and again in
bot/gateway_channel.py for a button pick or the emergency check) it rebuilds each event from
its JSON, and Rasa 3.6's `Event.resolve_by_type` finds the class by walking every `Event`
subclass again (`all_subclasses`, with `inspect.isabstract` on each) for every event. On a
33-event conversation that is 1.3 ms of the 1.4 ms the read takes; with this cache, 0.25 ms.
The cost grows with the conversation's length.

What: `install()` replaces that one static method with one that remembers the class found for
each type name. Only names that resolve to a class are remembered; an unknown name (and the
old `topic` events) go to Rasa's own lookup every time, with its defaults and its error.
Event classes are defined at import and never change at run time, so a name always resolves
to the class Rasa's own lookup would return.

Installed when the gateway channel is imported (bot/gateway_channel.py), like
bot/fast_action_validation.py; tested in tests/bot/test_event_type_cache.py.
"""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import Event

_ORIGINAL = Event.resolve_by_type
_FOUND: dict[str, type[Event]] = {}


def _resolve_by_type(type_name: str, default: Any = None) -> Any:
    """As Event.resolve_by_type in Rasa 3.6, remembering each class it finds."""
    found = _FOUND.get(type_name)
    if found is None:
        found = _ORIGINAL(type_name, default)
        if found is None or found is default:
            return found  # not a known event name: nothing remembered
        _FOUND[type_name] = found
    return found


def install() -> None:
    """Idempotent: patches Event.resolve_by_type once per process."""
    Event.resolve_by_type = staticmethod(_resolve_by_type)  # type: ignore[method-assign]


def installed() -> bool:
    return Event.resolve_by_type is _resolve_by_type


install()
