"""The action server's directory client against a fake directory on a loopback port.

Run in the Rasa environment: .venv-rasa/bin/python -m pytest tests/actions/test_directory_client.py
"""

from __future__ import annotations

import asyncio
import socket
from datetime import date, datetime, timezone

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from actions.directory_client import (
    NO_CONTACT_DETAILS,
    DirectoryClient,
    DirectoryUnavailable,
    PhoneNumber,
)


def attribute(taxonomy: str, term: str, value: str | None = None, label: str | None = None):
    found = {
        "id": f"{taxonomy}-{term}",
        "link_type": taxonomy,
        "taxonomy_term": {"id": term, "name": term, "description": term, "term": term},
    }
    if value is not None:
        found["value"] = value
    if label is not None:
        found["label"] = label
    return found


# Shaped like the gateway's ORUK output (tests/api/test_directory_api.py checks the real one).
HELPLINE = {
    "id": "7c3c5f5e-0000-5000-8000-000000000001",
    "name": "National Domestic Abuse Helpline (run by Refuge)",
    "description": "Women experiencing domestic abuse",
    "url": "https://www.nationaldahelpline.org.uk",
    "status": "active",
    "assured_date": "2026-11-25",
    "phones": [
        {"id": "p1", "number": "0808 2000 247", "type": "voice", "description": "Helpline (free)"}
    ],
    "schedules": [
        {
            "id": "s1",
            "description": "Phone 24/7, free",
            "byday": "MO,TU,WE,TH,FR,SA,SU",
            "opens_at": "00:00",
            "closes_at": "23:59",
        }
    ],
    "service_areas": [{"id": "a1", "name": "National (exact area not stated)"}],
    "attributes": [
        attribute("vawg_channel", "phone"),
        attribute("vawg_channel", "web_chat"),
        attribute("vawg_eligibility", "women_only"),
        attribute("vawg_service_kind", "national"),
        attribute("vawg_confidence", "high"),
        attribute("vawg_record", "record_id", "national_domestic_abuse_helpline"),
        attribute("vawg_record", "online_contact", "Live chat on the website"),
        attribute("vawg_record", "has_gap"),
        attribute("vawg_availability", "open_24_7", label="open 24 hours, 7 days a week"),
    ],
}
LOCAL_CENTRE = {
    "id": "7c3c5f5e-0000-5000-8000-000000000002",
    "name": "Local women's centre",
    "url": "https://centre.example.org",
    "status": "active",
    "application_process": "No public phone number was found.",
    "schedules": [{"id": "s2", "description": "Mon-Fri 9am-5pm"}],
    "service_areas": [{"id": "a2", "name": "Westminster", "service_area": "Westminster"}],
    "attributes": [
        attribute("vawg_service_kind", "local"),
        attribute("vawg_confidence", "low"),
        attribute("vawg_record", "record_id", "local_womens_centre"),
        attribute(
            "vawg_availability", "closed_now", "2026-11-30T09:00:00+00:00", "opens Monday at 9am"
        ),
    ],
}
NOTHING_KNOWN = {
    "id": "7c3c5f5e-0000-5000-8000-000000000003",
    "name": "Partnership",
    "status": "active",
    "attributes": [attribute("vawg_availability", "hours_unknown")],
}


def page(contents: list[dict]) -> dict:
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }


@pytest.fixture
async def directory():
    """A fake directory; yields (base URL, the requests it saw)."""
    seen: list[web.Request] = []

    async def services(request: web.Request) -> web.Response:
        seen.append(request)
        return web.json_response(page([HELPLINE, LOCAL_CENTRE, NOTHING_KNOWN]))

    async def one_service(request: web.Request) -> web.Response:
        seen.append(request)
        name = request.match_info["id"]
        if name == "broken":
            return web.Response(status=500)
        if name == "slow":
            await asyncio.sleep(2)
        if name == "garbled":
            return web.Response(text="<html>not json</html>", content_type="text/html")
        if name in (HELPLINE["id"], "national_domestic_abuse_helpline"):
            return web.json_response(HELPLINE)
        return web.json_response({"detail": "No such service."}, status=404)

    app = web.Application()
    app.router.add_get("/services", services)
    app.router.add_get("/services/{id}", one_service)
    async with TestServer(app, host="127.0.0.1") as server:
        yield str(server.make_url("")).rstrip("/"), seen


@pytest.fixture
async def client(directory):
    url, _ = directory
    client = DirectoryClient(url, timeout=0.5)
    yield client
    await client.close()


async def test_find_services_sends_the_filters_and_reads_the_summaries(client, directory):
    _, seen = directory
    found = await client.find_services(
        abuse_type="domestic_abuse", borough="westminster", audience="survivor", limit=3
    )
    assert dict(seen[-1].query) == {
        "abuse_type": "domestic_abuse",
        "borough": "westminster",
        "audience": "survivor",
        "page": "1",
        "per_page": "3",
    }
    helpline, centre, unknown = found
    assert helpline.record_id == "national_domestic_abuse_helpline"
    assert helpline.phones == (PhoneNumber("0808 2000 247", "Helpline (free)", "voice"),)
    assert helpline.is_24_7 is True and helpline.open_now is True and helpline.next_open is None
    assert helpline.web_chat == "Live chat on the website"
    assert helpline.hours == "Phone 24/7, free"
    assert helpline.last_verified == date(2026, 11, 25)
    assert helpline.has_gaps is True and helpline.how_to_reach is None
    assert helpline.kind == "national" and helpline.confidence == "high"
    assert helpline.eligibility == ("women_only",) and centre.eligibility == ()
    assert helpline.active and centre.active

    assert centre.phones == () and centre.open_now is False and centre.is_24_7 is False
    assert centre.next_open == "opens Monday at 9am"
    assert centre.how_to_reach == (
        "No public phone number was found. Website: https://centre.example.org"
    )
    assert centre.area == "Westminster" and centre.has_gaps is False

    assert unknown.open_now is None and unknown.next_open is None
    assert unknown.how_to_reach == NO_CONTACT_DETAILS  # never a guess
    assert unknown.last_verified is None


async def test_open_now_and_the_time_are_sent(client, directory):
    _, seen = directory
    at = datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)
    await client.find_services(
        abuse_type="stalking",
        open_now=True,
        at=at,
        language="ar",
        eligibility="men",
        channel="phone",
        limit=2,
    )
    assert dict(seen[-1].query) == {
        "abuse_type": "stalking",
        "language": "ar",
        "eligibility": "men",
        "channel": "phone",
        "open_now": "true",
        "open_at": "2026-11-28T02:00:00+00:00",
        "page": "1",
        "per_page": "2",
    }


async def test_get_service_by_record_id_and_missing_is_none(client):
    found = await client.get_service("national_domestic_abuse_helpline")
    assert found.name == HELPLINE["name"]
    assert await client.get_service("no_such_service") is None


@pytest.mark.parametrize("name", ["broken", "slow", "garbled"])
async def test_errors_and_timeouts_raise_directory_unavailable(client, name):
    with pytest.raises(DirectoryUnavailable):
        await client.get_service(name)


async def test_a_directory_that_is_down_raises_directory_unavailable():
    with socket.socket() as spare:  # a port nobody listens on
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    client = DirectoryClient(f"http://127.0.0.1:{port}", timeout=0.5)
    with pytest.raises(DirectoryUnavailable):
        await client.find_services(abuse_type="domestic_abuse")
    await client.close()


async def test_one_kept_alive_connection_is_reused(client, directory):
    _, seen = directory
    await client.find_services()
    session = client._session
    await client.find_services()
    await client.get_service("national_domestic_abuse_helpline")
    assert client._session is session
    ports = {request.transport.get_extra_info("peername")[1] for request in seen}
    assert len(ports) == 1


def test_the_base_url_comes_from_directory_url(monkeypatch):
    monkeypatch.setenv("DIRECTORY_URL", "http://127.0.0.1:9999/")
    assert DirectoryClient().base_url == "http://127.0.0.1:9999"
    monkeypatch.delenv("DIRECTORY_URL")
    assert DirectoryClient().base_url == "http://127.0.0.1:8001"
