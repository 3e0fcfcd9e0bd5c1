"""Custom actions. Thin: read slots, ask the directory, render, dispatch."""

from __future__ import annotations

import logging
import os
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.directory_client import DirectoryClient, DirectoryUnavailable, ServiceSummary
from actions.rendering import SMS, render_services

logger = logging.getLogger(__name__)

_client: DirectoryClient | None = None


def directory() -> DirectoryClient:
    """One client per action-server process, so connections are kept alive and reused."""
    global _client
    if _client is None:
        _client = DirectoryClient(
            os.environ.get("DIRECTORY_URL", "http://127.0.0.1:8001"),
            timeout=float(os.environ.get("DIRECTORY_TIMEOUT_SECONDS", "3")),
        )
    return _client


async def close_directory() -> None:
    """Closes the shared client's connections (the action server calls this as it stops)."""
    global _client
    if _client is not None:
        await _client.close()
        _client = None


def channel_of(tracker: Tracker) -> str:
    return SMS if tracker.get_latest_input_channel() == SMS else "web"


class ActionFindService(Action):
    def name(self) -> str:
        return "action_find_service"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        channel = channel_of(tracker)
        filters = {
            "abuse_type": tracker.get_slot("abuse_type"),
            "borough": tracker.get_slot("borough"),
            # unless they said otherwise, the person asking is the one who needs help
            "audience": tracker.get_slot("audience") or "survivor",
            "language": tracker.get_slot("language"),
            "limit": 2 if channel == SMS else 3,
        }
        eligibility = tracker.get_slot("eligibility")
        try:
            services = await _named_first(
                _named_services(tracker),
                await _services_for(filters, eligibility),
                filters["limit"],
            )
        except DirectoryUnavailable:
            logger.warning("directory unavailable for action_find_service")
            dispatcher.utter_message(response="utter_safety_fallback")
            return []
        if not services:
            dispatcher.utter_message(response="utter_no_service_found")
            return []
        # 999 first: "i need help now" can end up here rather than at the danger answer, and
        # the start of an SMS is the part never cut
        intro = (
            "In danger? Call 999. These can help:"
            if channel == SMS
            else "These services can help. You choose what feels right. "
            "If you are in danger now, call 999."
        )
        dispatcher.utter_message(text=render_services(services, channel, intro))
        return []


def _named_services(tracker: Tracker) -> list[str]:
    """The record ids of the services the latest message names ("the number for Rahab")."""
    entities = tracker.latest_message.get("entities") or []
    return list(dict.fromkeys(e["value"] for e in entities if e.get("entity") == "service"))


async def _named_first(
    named: list[str], found: list[ServiceSummary], limit: int
) -> list[ServiceSummary]:
    """The services asked for by name, from the directory, before the others found (not one
    that has closed down)."""
    looked_up = [await directory().get_service(key) for key in named]
    asked = [service for service in looked_up if service and service.active]
    return _followed_by(asked, found)[:limit]


def _followed_by(first: list[ServiceSummary], rest: list[ServiceSummary]) -> list[ServiceSummary]:
    """`first`, then the services of `rest` not already among them."""
    listed = {service.id for service in first}
    return first + [service for service in rest if service.id not in listed]


async def _services_for(filters: dict[str, Any], eligibility: str | None) -> list[ServiceSummary]:
    """The services for the filters; for a group (men, LGBT+ people, no recourse...) its own
    services first, and with none listed, the 24/7 line the directory found open to them
    followed by the services open to everyone (for a man, none that are for women only)."""
    if not eligibility:
        return await directory().find_services(**filters)
    limit = filters["limit"]
    services = await directory().find_services(**filters, eligibility=eligibility)
    if not any(eligibility in service.eligibility for service in services):
        # more than the limit: a man's list loses the services for women only
        everyone = await directory().find_services(**{**filters, "limit": limit * 4})
        services = _followed_by(services, everyone)
    if eligibility == "men":
        services = [s for s in services if "women_only" not in s.eligibility]
    return services[:limit]


# The 24/7 line that fits who is at risk, by the directory's record id (the numbers still come
# from the directory): someone thinking of ending their life is offered Samaritans' listening
# line; a child or young person, Childline. Anyone else: the line for the abuse type.
LISTENING_LINE = "samaritans"  # also the line for low mood (action_signpost_listening_line)
LINE_FOR_DANGER = {"self_harm": LISTENING_LINE}
LINE_FOR_AUDIENCE = {"child_young_person": "childline"}
# An emergency the model only doubted (its probability at the threshold, below its top intent):
# bot/pattern_entities.py notes the top intent under this key. Low mood on top ("nobody
# cares about me") is offered the listening line, as a low-mood answer would be.
MODEL_DOUBTED = "emergency_below_top"
LINE_FOR_DOUBTED = {"feeling_low": LISTENING_LINE}


def danger_kinds(tracker: Tracker) -> set[str]:
    entities = tracker.latest_message.get("entities") or []
    return {e.get("value") for e in entities if e.get("entity") == "danger"}


def _phoned_24_7(services: list[ServiceSummary]) -> list[ServiceSummary]:
    """The lines open day and night that have a phone number other than 999."""
    return [s for s in services if s.is_24_7 and s.phones and s.phones[0].number != "999"]


async def _24_7_line(
    wanted: list[str], abuse_type: str | None, eligibility: str | None
) -> list[ServiceSummary]:
    """The first open 24/7 line among the wanted record ids; else the line for the abuse type
    (for a man, one open to men: the directory then never offers a line for women only)."""
    line: list[ServiceSummary] = []
    if wanted:
        # the fitting lines are not tagged with an abuse type: ask for every open one
        every_open = _phoned_24_7(await directory().find_services(open_now=True, limit=50))
        line = [s for key in wanted for s in every_open if s.record_id == key][:1]
    if not line:
        line = _phoned_24_7(
            await directory().find_services(
                abuse_type=abuse_type or "domestic_abuse",
                eligibility="men" if eligibility == "men" else None,
                open_now=True,
                limit=5,
            )
        )[:1]
    return line


async def _signpost_24_7_line(
    dispatcher: CollectingDispatcher, tracker: Tracker, wanted: list[str], intro: str
) -> list[dict[str, Any]]:
    try:
        line = await _24_7_line(
            wanted, tracker.get_slot("abuse_type"), tracker.get_slot("eligibility")
        )
    except DirectoryUnavailable:
        logger.warning("directory unavailable for the 24/7 line")
        line = []
    if not line:
        dispatcher.utter_message(response="utter_safety_fallback")
        return []
    dispatcher.utter_message(text=render_services(line, channel_of(tracker), intro))
    return []


class ActionSignpostEmergency(Action):
    """After the 999 answer: the 24/7 lines from the directory, never typed in here."""

    def name(self) -> str:
        return "action_signpost_emergency"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        wanted = [LINE_FOR_DANGER[k] for k in sorted(danger_kinds(tracker)) if k in LINE_FOR_DANGER]
        doubted = tracker.latest_message.get(MODEL_DOUBTED)
        if doubted in LINE_FOR_DOUBTED:
            wanted.append(LINE_FOR_DOUBTED[doubted])
        audience = tracker.get_slot("audience")
        if audience in LINE_FOR_AUDIENCE:
            wanted.append(LINE_FOR_AUDIENCE[audience])
        intro = "When it is safe, you can talk to someone any time:"
        return await _signpost_24_7_line(dispatcher, tracker, wanted, intro)


class ActionSignpostListeningLine(Action):
    """After the answer to low mood: Samaritans' number from the directory (a young person:
    Childline), else the 24/7 line for the abuse type."""

    def name(self) -> str:
        return "action_signpost_listening_line"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        audience = tracker.get_slot("audience")
        wanted = [LINE_FOR_AUDIENCE[audience]] if audience in LINE_FOR_AUDIENCE else []
        wanted.append(LISTENING_LINE)
        intro = "Someone is there to listen, any time:"
        return await _signpost_24_7_line(dispatcher, tracker, wanted, intro)
