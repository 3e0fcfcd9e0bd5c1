"""Rasa checks each action-server answer with a JSON-schema validator built once.

Why: Rasa 3.6's `RemoteAction._validate_action_result` calls `jsonschema.validate(result,
schema)` on every answer of the action server. `jsonschema.validate` first checks the
schema itself against its meta-schema, then builds a new validator: for Rasa's large event
schema that is 19-60 ms of CPU per custom action in the Rasa process (measured in
docs/benchmarks.md), against well under 1 ms for a validator built once.

What: `install()` replaces that one method with one that uses a validator built (and its
schema checked) once. Everything else is kept as Rasa has it: the same schema
(`RemoteAction.action_response_format_spec()`), the same error (`best_match` of the
validation errors, as `jsonschema.validate` raises), the same text appended to its message.
An answer that does not match the schema is still refused, and the action fails as before.

Installed when the gateway channel is imported (bot/gateway_channel.py, loaded by `rasa run`
through bot/credentials.yml), so every Rasa process of the project runs with it. Rasa is
pinned to 3.6 (requirements/rasa-constraints.txt); `install()` refuses to patch a
RemoteAction that no longer has the method, and tests/bot/test_fast_action_validation.py
compares it with Rasa's own, so a Rasa upgrade that changes either shows up there.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

_ORIGINAL = RemoteAction._validate_action_result


@cache
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)  # once, instead of on every answer
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """As RemoteAction._validate_action_result in Rasa 3.6, with the validator built once."""
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, "
        f"make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Idempotent: patches RemoteAction._validate_action_result once per process."""
    if getattr(RemoteAction, "_validate_action_result", None) is None:
        raise RuntimeError("RemoteAction._validate_action_result is gone: check the Rasa version")
    _validator()  # build (and check the schema) now, not on the first custom action
    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def installed() -> bool:
    return RemoteAction._validate_action_result is _validate_action_result


install()
