"""Rasa input channel for the gateway: the only way messages reach the dialogue engine.

Why not Rasa's REST channel: it logs the user's text when a message fails, it cannot tell
an SMS from a web message to the response selector, and it has no way to forget a
conversation. This channel keeps the REST request shape and adds:

- responses chosen per channel: the collector is named after the channel (`web` or `sms`),
  so domain responses with `channel: sms` are used for SMS;
- choices: a message starting with `/` runs as an intent only when it is exactly a button
  the bot has just offered; anything else starting with `/` is treated as plain text, so
  nobody can inject an intent or entities. On SMS, a bare number picks that button;
- `DELETE /webhooks/gateway/conversations/<sender>` forgets a conversation in the tracker
  store (quick exit, SMS forget word, STOP), and `GET` on the same path says if it exists;
- danger is never left without a helpline: when the message was recognised as an
  emergency but no reply carries a phone number other than 999 (the action server that
  adds the 24/7 line failed), the domain's fixed safety message is added;
- no message text in any log line.

Bind Rasa to loopback (or a private network): like every Rasa channel it has no auth of
its own beyond the optional shared token in `GATEWAY_CHANNEL_TOKEN`.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.tracker_store import (
    InMemoryTrackerStore,
    RedisTrackerStore,
    TrackerStore,
)
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

# imported for their effect, in every Rasa process that serves the bot: per-message work of
# Rasa's done once instead, and a quicker model load (each module says what it patches, why,
# and what it measured). The NLU pipeline's own patches are imported by the components
# config.yml lists (bot/pattern_entities.py, bot/merged_columns_classifier.py), so that
# training has them too
from bot import (  # noqa: F401
    action_server_session,
    domain_empty_check,
    event_type_cache,
    fast_action_validation,
    fast_rule_matching,
    fast_slot_copy,
    frozen_heap,
    narrow_skops_trust,
    quiet_log_copies,
    read_only_actions,
    resumable_states,
    sequential_graph_runner,
)
from bot.expiring_tracker_store import ExpiringInMemoryTrackerStore, latest_intent

logger = logging.getLogger(__name__)

CHANNELS = ("web", "sms")
INTENT_PREFIX = "/"
EMERGENCY_INTENT = "emergency"
SAFETY_RESPONSE = "utter_safety_fallback"
# a UK phone number other than 999: 0808 2000 247, 0808 500 2222, 116 123...
HELPLINE_NUMBER = re.compile(r"\b(0\d{2,4} ?\d{3,4} ?\d{3,4}|116 ?\d{3})\b")


class ChannelCollector(CollectingOutputChannel):
    """Collects replies; its name selects the channel's response variations."""

    def __init__(self, channel: str) -> None:
        super().__init__()
        self._channel = channel

    def name(self) -> str:  # type: ignore[override]  # per instance, not per class
        return self._channel


class GatewayInput(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "gateway"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("gateway_channel", __name__)
        token = os.environ.get("GATEWAY_CHANNEL_TOKEN")
        # after Rasa's own start-up listener has loaded the model (bot/frozen_heap.py)
        bp.listener("after_server_start")(frozen_heap.freeze_after_start)

        def authorised(request: Request) -> bool:
            if not token:
                return True
            given = request.headers.get("authorization", "")
            return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = request.json or {}
            sender, text = body.get("sender"), body.get("message")
            metadata = body.get("metadata") or {}
            channel = metadata.get("channel") if metadata.get("channel") in CHANNELS else "web"
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                return response.json({"error": "sender and message are required"}, status=400)
            store = request.app.ctx.agent.tracker_store
            text = await resolve_choice(store, sender, text, channel)
            collector = ChannelCollector(channel)
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=channel, metadata=metadata)
                )
            except Exception as error:  # the gateway answers with its safety message
                logger.error("gateway channel: message failed (%s)", type(error).__name__)
                return response.json({"error": "message failed"}, status=500)
            agent = request.app.ctx.agent
            # the cheap check first: the tracker is read again only when no helpline was given
            if not has_helpline(collector.messages) and await was_emergency(store, sender):
                collector.messages.append(
                    {"recipient_id": sender, "text": safety_text(agent.domain)}
                )
            return response.json(collector.messages)

        @bp.route("/conversations/<sender>", methods=["GET"])
        async def exists(request: Request, sender: str) -> HTTPResponse:
            if not authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            store = request.app.ctx.agent.tracker_store
            return response.json({"exists": await store.exists(sender)})

        @bp.route("/conversations/<sender>", methods=["DELETE"])
        async def forget(request: Request, sender: str) -> HTTPResponse:
            if not authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            delete_conversation(request.app.ctx.agent.tracker_store, sender)
            return response.empty(status=204)

        return bp


async def resolve_choice(store: TrackerStore, sender: str, text: str, channel: str) -> str:
    """Turns a pick of an offered button into its payload; neutralises any other `/` text."""
    stripped = text.strip()
    is_number_pick = channel == "sms" and stripped.isdigit() and len(stripped) <= 2
    if not stripped.startswith(INTENT_PREFIX) and not is_number_pick:
        return text
    offered = await offered_payloads(store, sender)
    if is_number_pick:
        index = int(stripped) - 1
        if 0 <= index < len(offered):
            return offered[index]
        return text
    if stripped in offered:
        return stripped
    return stripped.lstrip(INTENT_PREFIX + " ") or "?"


async def was_emergency(store: TrackerStore, sender: str) -> bool:
    """Whether the message just handled was recognised as an emergency.

    Rasa does not hand its tracker to the channel. The in-memory store notes the latest
    message's intent when Rasa saves the conversation (bot/expiring_tracker_store.py); other
    stores are read again, whole (bot/event_type_cache.py makes that cheaper: 0.3 ms after 5
    messages, 1.2 ms after 25). The webhook asks only when no reply already carries a
    helpline; the whole read was 3% of Rasa's samples at 50 concurrent conversations.
    """
    for inner in _stores(store):
        if isinstance(inner, ExpiringInMemoryTrackerStore) and sender in inner.latest_intents:
            return inner.latest_intents[sender] == EMERGENCY_INTENT
    return latest_intent(await store.retrieve(sender)) == EMERGENCY_INTENT


def has_helpline(messages: list[dict[str, Any]]) -> bool:
    return any(HELPLINE_NUMBER.search(m.get("text") or "") for m in messages)


def safety_text(domain: Any) -> str:
    return domain.responses[SAFETY_RESPONSE][0]["text"]


async def offered_payloads(store: TrackerStore, sender: str) -> list[str]:
    """Button payloads of the bot's messages since the person last wrote."""
    tracker = await store.retrieve(sender)
    if tracker is None:
        return []
    payloads: list[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            buttons = (event.data or {}).get("buttons") or []
            payloads = [b.get("payload", "") for b in buttons] + payloads
    return payloads


def _wrapped(store: TrackerStore) -> list[TrackerStore]:
    """The stores Rasa's wrappers (AwaitableTrackerStore, FailSafeTrackerStore) hold."""
    inner = [getattr(store, name, None) for name in ("_tracker_store", "_fallback_tracker_store")]
    return [found for found in inner if found is not None]


def _stores(store: TrackerStore) -> list[TrackerStore]:
    """The store and every store inside it, outermost first."""
    return [store] + [inner for wrapped in _wrapped(store) for inner in _stores(wrapped)]


def delete_conversation(store: TrackerStore, sender: str) -> None:
    """Deletes the conversation from the store and from any store it wraps.

    Rasa wraps the configured store (AwaitableTrackerStore, FailSafeTrackerStore, whose
    in-memory fallback may hold conversations from a time Redis was down): all are emptied.
    """
    for each in _stores(store):
        if isinstance(each, ExpiringInMemoryTrackerStore):
            each.forget(sender)
        elif isinstance(each, InMemoryTrackerStore):
            each.store.pop(sender, None)
        elif isinstance(each, RedisTrackerStore):
            each.red.delete(each.key_prefix + sender)
        elif not _wrapped(each):
            # a store we cannot empty must not be used: it would keep conversations
            raise RuntimeError(f"cannot delete conversations from {type(each).__name__}")
