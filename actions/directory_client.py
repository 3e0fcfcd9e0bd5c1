"""The action server's client for the gateway's directory API (GET /services).

Runs in the Rasa environment (Python 3.10, aiohttp): it must not import services_directory.
Everything a reply needs comes from the API's ORUK JSON; nothing is filled in here, so a
service with no phone number has `phones == ()` and `how_to_reach` says what the record says.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import aiohttp

DEFAULT_URL = "http://127.0.0.1:8001"  # the gateway's internal loopback listener
NO_CONTACT_DETAILS = "Contact details not confirmed yet."


class DirectoryUnavailable(Exception):
    """The directory could not answer: connection error, timeout, or a bad response."""


@dataclass(frozen=True)
class PhoneNumber:
    number: str  # as the service writes it, e.g. "0808 2000 247"
    description: str | None  # what the number is for
    type: str = "voice"  # "voice" or "text" (SMS)


@dataclass(frozen=True)
class ServiceSummary:
    id: str
    record_id: str | None  # the human id, e.g. "national_domestic_abuse_helpline"
    name: str
    description: str | None
    phones: tuple[PhoneNumber, ...]
    text_contact: str | None
    website: str | None
    email: str | None
    web_chat: str | None
    hours: str | None  # the opening hours as the record words them
    is_24_7: bool
    open_now: bool | None  # None when the hours are not known
    next_open: str | None  # "opens Monday at 9am", when closed and known
    area: str | None
    kind: str | None  # local, national or emergency
    confidence: str | None  # high, medium or low
    last_verified: date | None
    has_gaps: bool
    how_to_reach: str | None  # for records with no phone: routes from the record itself
    eligibility: tuple[str, ...] = ()  # the groups it says it is for, e.g. ("women_only",)
    active: bool = True  # False once closed down: a search never lists it, a lookup can


def _attributes(service: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Attributes grouped by taxonomy code, e.g. {"vawg_channel": [...]}."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for attribute in service.get("attributes") or []:
        grouped.setdefault(attribute.get("link_type", ""), []).append(attribute)
    return grouped


def _terms(grouped: dict[str, list[dict[str, Any]]], taxonomy: str) -> dict[str, dict[str, Any]]:
    return {(a.get("taxonomy_term") or {}).get("term"): a for a in grouped.get(taxonomy, [])}


def _how_to_reach(service: dict[str, Any], online: str | None) -> str | None:
    if any(phone.get("type", "voice") == "voice" for phone in service.get("phones") or []):
        return None
    parts = [service.get("application_process")]
    parts += [
        f"Online: {online}" if online else None,
        f"Website: {service['url']}" if service.get("url") else None,
        f"Email: {service['email']}" if service.get("email") else None,
    ]
    return " ".join(part for part in parts if part) or NO_CONTACT_DETAILS


def _next_open(closed: dict[str, Any] | None) -> str | None:
    # The label says when it opens ("opens Monday at 9am") only when the value holds a time.
    return closed.get("label") if closed and closed.get("value") else None


def summarise(service: dict[str, Any]) -> ServiceSummary:
    """One ORUK service from the API -> what a reply needs."""
    grouped = _attributes(service)
    record = _terms(grouped, "vawg_record")
    availability = _terms(grouped, "vawg_availability")
    state = next(iter(availability), None)
    online = (record.get("online_contact") or {}).get("value")
    schedules = service.get("schedules") or []
    areas = service.get("service_areas") or []
    assured = service.get("assured_date")
    return ServiceSummary(
        id=service["id"],
        record_id=(record.get("record_id") or {}).get("value"),
        name=service["name"],
        description=service.get("description"),
        phones=tuple(
            PhoneNumber(phone["number"], phone.get("description"), phone.get("type", "voice"))
            for phone in service.get("phones") or []
        ),
        text_contact=(record.get("text_contact") or {}).get("value"),
        website=service.get("url"),
        email=service.get("email"),
        web_chat=online if "web_chat" in _terms(grouped, "vawg_channel") else None,
        hours=schedules[0].get("description") if schedules else None,
        is_24_7=state == "open_24_7",
        open_now={"open_24_7": True, "open_now": True, "closed_now": False}.get(state),
        next_open=_next_open(availability.get("closed_now")),
        area=(areas[0].get("service_area") or areas[0].get("name")) if areas else None,
        kind=next(iter(_terms(grouped, "vawg_service_kind")), None),
        confidence=next(iter(_terms(grouped, "vawg_confidence")), None),
        last_verified=date.fromisoformat(assured) if assured else None,
        has_gaps="has_gap" in record,
        how_to_reach=_how_to_reach(service, online),
        eligibility=tuple(_terms(grouped, "vawg_eligibility")),
        active=service.get("status", "active") == "active",
    )


class DirectoryClient:
    """One shared aiohttp session (keep-alive) per client; create one per process."""

    def __init__(self, base_url: str | None = None, timeout: float = 3.0):
        self.base_url = (base_url or os.environ.get("DIRECTORY_URL") or DEFAULT_URL).rstrip("/")
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def _get(self, path: str, params: dict[str, str]) -> dict[str, Any] | None:
        """JSON from the API, None for 404; anything else that fails is DirectoryUnavailable."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        try:
            async with self._session.get(self.base_url + path, params=params) as response:
                if response.status == 404:
                    return None
                if response.status != 200:
                    raise DirectoryUnavailable(f"directory answered {response.status}")
                return await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise DirectoryUnavailable(f"directory unreachable: {type(error).__name__}") from error

    async def find_services(
        self,
        *,
        abuse_type: str | None = None,
        audience: str | None = None,
        borough: str | None = None,
        language: str | None = None,
        eligibility: str | None = None,
        channel: str | None = None,
        open_now: bool | None = None,
        at: datetime | None = None,
        limit: int = 3,
    ) -> list[ServiceSummary]:
        """The best `limit` services for these filters, ranked by the directory."""
        filters = {
            "abuse_type": abuse_type,
            "audience": audience,
            "borough": borough,
            "language": language,
            "eligibility": eligibility,
            "channel": channel,
        }
        params = {name: value for name, value in filters.items() if value}
        if open_now:
            params["open_now"] = "true"
        if at is not None:
            params["open_at"] = at.isoformat()
        params.update(page="1", per_page=str(limit))
        page = await self._get("/services", params)
        if page is None or not isinstance(page.get("contents"), list):
            raise DirectoryUnavailable("directory answered without a page of services")
        try:
            return [summarise(service) for service in page["contents"]]
        except (KeyError, TypeError, ValueError) as error:
            raise DirectoryUnavailable("directory answered with a malformed service") from error

    async def get_service(self, id: str) -> ServiceSummary | None:
        """One service by uuid or record id; None when there is no such service."""
        service = await self._get(f"/services/{quote(id, safe='')}", {})
        if service is None:
            return None
        try:
            return summarise(service)
        except (KeyError, TypeError, ValueError) as error:
            raise DirectoryUnavailable("directory answered with a malformed service") from error

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
