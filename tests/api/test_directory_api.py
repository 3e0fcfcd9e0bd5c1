"""The directory API: ORUK 3.0 responses checked with jsonschema, filters, writes and auth."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from sqlalchemy import select

from api.routers import directory
from api.settings import Settings
from services_directory import models
from services_directory.db import open_directory

SCHEMAS = Path(directory.__file__).resolve().parents[2] / "services_directory/schemas/oruk-3.0"
ADMIN_TOKEN = "test-admin-token"
SATURDAY_2AM = "2026-11-28T02:00:00"


def _validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


SERVICE = _validator(json.loads((SCHEMAS / "service.json").read_text()))
SERVICE_LIST_ITEM = _validator(json.loads((SCHEMAS / "service_list.json").read_text()))
_OPENAPI = json.loads((SCHEMAS / "openapi.json").read_text())
PAGE = _validator(
    {
        **_OPENAPI["components"]["schemas"]["Page"],
        "required": list(_OPENAPI["components"]["schemas"]["Page"]["properties"]),
    }
)


def make_client(database_url: str, admin_token: str | None) -> TestClient:
    app = FastAPI()
    app.include_router(directory.router)
    app.state.settings = Settings(
        admin_token=admin_token, database_url=database_url, _env_file=None
    )
    app.state.directory_sessions = open_directory(database_url)
    return TestClient(app)


@pytest.fixture(scope="module")
def client(tmp_path_factory) -> TestClient:
    """Read-only tests share one seeded directory."""
    path = tmp_path_factory.mktemp("directory") / "directory.sqlite3"
    return make_client(f"sqlite:///{path}", ADMIN_TOKEN)


@pytest.fixture
def writable(tmp_path) -> TestClient:
    return make_client(f"sqlite:///{tmp_path / 'directory.sqlite3'}", ADMIN_TOKEN)


def names(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [service["name"] for service in response.json()["contents"]]


def availability(service: dict) -> dict:
    [found] = [a for a in service["attributes"] if a["link_type"] == "vawg_availability"]
    return found


def admin(actor: str = "jo") -> dict:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}", "X-Actor": actor}


# --- shape -------------------------------------------------------------------------------


def test_every_service_in_the_list_validates_against_the_oruk_schemas(client):
    page = client.get("/services", params={"per_page": 100}).json()
    assert not list(PAGE.iter_errors(page))
    assert page["total_items"] == page["size"] == len(page["contents"]) == 39
    for service in page["contents"]:
        assert not list(SERVICE_LIST_ITEM.iter_errors(service)), service["name"]
        assert not list(SERVICE.iter_errors(service)), service["name"]


def test_one_service_validates_and_is_found_by_uuid_or_record_id(client):
    by_slug = client.get("/services/national_domestic_abuse_helpline")
    assert by_slug.status_code == 200
    service = by_slug.json()
    assert not list(SERVICE.iter_errors(service))
    assert client.get(f"/services/{service['id']}").json() == service
    assert [p["number"] for p in service["phones"]] == ["0808 2000 247"]
    assert availability(service)["taxonomy_term"]["term"] == "open_24_7"
    assert client.get("/services/no_such_service").status_code == 404


def test_pagination_keys(client):
    page = client.get("/services", params={"per_page": 10, "page": 4}).json()
    assert {key: page[key] for key in page if key != "contents"} == {
        "total_items": 39,
        "total_pages": 4,
        "page_number": 4,
        "size": 9,
        "first_page": False,
        "last_page": True,
        "empty": False,
    }
    empty = client.get("/services", params={"search": "zzzz"}).json()
    assert empty["empty"] is True and empty["contents"] == [] and empty["total_items"] == 0


def test_extensions_travel_as_attributes_of_project_taxonomies(client):
    service = client.get("/services/angelou_partnership").json()
    terms = {(a["link_type"], a["taxonomy_term"]["term"]) for a in service["attributes"]}
    assert ("vawg_abuse_type", "domestic_abuse") in terms
    assert ("vawg_confidence", "low") in terms
    assert ("vawg_record", "has_gap") in terms
    assert "phones" not in service or service["phones"] == []  # a gap stays a gap
    sources = [a["value"] for a in service["attributes"] if a["taxonomy_term"]["term"] == "source"]
    assert len(sources) == 6
    assert service["assured_date"] == "2026-11-25"


# --- filters -----------------------------------------------------------------------------


def test_filters_are_query_parameters(client):
    assert "Men's Advice Line (Respect)" in names(
        client.get("/services", params={"abuse_type": "domestic_abuse", "eligibility": "men"})
    )
    assert names(
        client.get(
            "/services",
            params={"language": "ar", "borough": "westminster", "abuse_type": "domestic_abuse"},
        )
    )
    found = names(
        client.get(
            "/services", params={"audience": "own_behaviour", "abuse_type": "domestic_abuse"}
        )
    )
    # No local service for this audience: a 24/7 line for it goes first.
    assert found == [
        "Samaritans",
        "Respect Phoneline (for people worried about their own abusive behaviour)",
    ]
    westminster = names(client.get("/services", params={"postcode": "W2 1AA", "per_page": 100}))
    kensington = names(
        client.get("/services", params={"borough": "kensington_chelsea", "per_page": 100})
    )
    assert any("Marylebone" in name for name in westminster)
    assert not any("Marylebone" in name for name in kensington)
    assert names(
        client.get("/services", params={"channel": "bsl_relay", "search": "childline"})
    ) == ["Childline (NSPCC)"]


def test_the_24_7_option_on_the_seed_data(client):
    saturday_night = "2026-11-28T23:00:00"
    # no 24/7 line for these: the domestic abuse helpline, not a general listening line
    for abuse_type in ("stalking", "forced_marriage", "economic_abuse"):
        found = names(
            client.get("/services", params={"abuse_type": abuse_type, "open_at": saturday_night})
        )
        assert found[0].startswith("National Domestic Abuse Helpline"), abuse_type
    # a man asking is never offered a line for women only first
    for abuse_type in ("stalking", "domestic_abuse", None):
        params = {"eligibility": "men", "open_at": saturday_night}
        response = client.get(
            "/services", params=params | ({"abuse_type": abuse_type} if abuse_type else {})
        )
        first = response.json()["contents"][0]
        eligibility = [
            a["taxonomy_term"]["term"]
            for a in first["attributes"]
            if a["link_type"] == "vawg_eligibility"
        ]
        assert availability(first)["taxonomy_term"]["term"] == "open_24_7", first["name"]
        assert "women_only" not in eligibility, (abuse_type, first["name"])


def test_open_now_at_a_given_time(client):
    page = client.get(
        "/services",
        params={
            "abuse_type": "domestic_abuse",
            "borough": "westminster",
            "open_now": "true",
            "open_at": SATURDAY_2AM,
        },
    ).json()
    assert page["contents"][0]["name"] == "National Domestic Abuse Helpline (run by Refuge)"
    states = [availability(s)["taxonomy_term"]["term"] for s in page["contents"]]
    assert set(states) <= {"open_24_7", "open_now", "closed_now"}
    assert states.count("closed_now") <= 1  # only a local service kept to say when it opens


def test_open_at_with_an_offset_is_converted_to_london(client):
    # 08:30 UTC in July is 09:30 in London: Karma Nirvana opens at 9am on weekdays.
    service = client.get(
        "/services/karma_nirvana", params={"open_at": "2026-07-01T08:30:00+00:00"}
    ).json()
    assert availability(service)["taxonomy_term"]["term"] == "open_now"
    closed = client.get("/services/karma_nirvana", params={"open_at": SATURDAY_2AM}).json()
    assert availability(closed)["label"] == "opens today at 10am"
    assert availability(closed)["value"] == "2026-11-28T10:00:00+00:00"


@pytest.mark.parametrize(
    "params",
    [
        {"abuse_type": "nope"},
        {"borough": "camden"},
        {"postcode": "nonsense"},
        {"open_at": "yesterday"},
        {"per_page": 0},
        {"per_page": 1000},
    ],
)
def test_bad_query_parameters_are_422(client, params):
    assert client.get("/services", params=params).status_code == 422


# --- writes ------------------------------------------------------------------------------


def test_writes_are_off_without_an_admin_token(tmp_path):
    client = make_client(f"sqlite:///{tmp_path / 'd.sqlite3'}", None)
    assert (
        client.patch("/services/karma_nirvana", json={"name": "x"}, headers=admin()).status_code
        == 403
    )
    assert client.put("/services/karma_nirvana", json={}, headers=admin()).status_code == 403


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": ADMIN_TOKEN}]
)
def test_writes_need_the_right_bearer_token(writable, headers):
    response = writable.patch("/services/karma_nirvana", json={"name": "x"}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert writable.get("/services/karma_nirvana").json()["name"].startswith("Karma Nirvana")


def test_patch_changes_the_service_and_is_audited(writable):
    response = writable.patch(
        "/services/karma_nirvana",
        headers=admin("jo@council"),
        json={"description": "Checked by phone"},
    )
    assert response.status_code == 200
    assert not list(SERVICE.iter_errors(response.json()))
    assert writable.get("/services/karma_nirvana").json()["description"] == "Checked by phone"
    with writable.app.state.directory_sessions() as session:
        [entry] = session.scalars(
            select(models.AuditEntry).where(models.AuditEntry.action == "update")
        ).all()
    assert entry.actor == "api:jo@council"
    assert entry.service_slug == "karma_nirvana"
    assert json.loads(entry.changes)["description"][1] == "Checked by phone"


def test_an_invalid_write_is_refused_and_changes_nothing(writable):
    before = writable.get("/services/karma_nirvana").json()
    response = writable.patch(
        "/services/karma_nirvana", headers=admin(), json={"phones": [{"number": "12345"}]}
    )
    assert response.status_code == 422
    assert "karma_nirvana: phones.0.number" in response.json()["detail"][0]
    assert writable.get("/services/karma_nirvana").json() == before


def test_put_replaces_or_creates(writable):
    current = writable.get("/services/karma_nirvana").json()
    replaced = writable.put(
        "/services/karma_nirvana", headers=admin(), json={**current, "name": "Karma Nirvana"}
    )
    assert replaced.status_code == 200 and replaced.json()["name"] == "Karma Nirvana"

    new = {key: value for key, value in current.items() if key != "id"}
    new["service_at_locations"] = [
        {
            "id": "x",
            "location": {
                "id": "y",
                "location_type": "physical",
                "addresses": [{"address_1": "a secret address"}],
            },
        }
    ]
    created = writable.put("/services/new_local_line", headers=admin(), json=new)
    assert created.status_code == 201, created.text
    fetched = writable.get("/services/new_local_line").json()
    assert fetched["id"] != current["id"]
    assert "service_at_locations" not in fetched  # addresses are never stored
    assert "a secret address" not in json.dumps(fetched)


def test_put_refuses_a_body_for_another_service(writable):
    other = writable.get("/services/forced_marriage_unit").json()
    assert writable.put("/services/karma_nirvana", headers=admin(), json=other).status_code == 422


# --- how it runs -------------------------------------------------------------------------


def test_handlers_are_plain_functions_run_in_the_threadpool():
    for handler in (
        directory.list_services,
        directory.get_service,
        directory.put_service,
        directory.patch_service,
    ):
        assert not inspect.iscoroutinefunction(handler)


def test_openapi_documents_the_directory(client):
    spec = client.get("/openapi.json").json()
    parameters = {p["name"] for p in spec["paths"]["/services"]["get"]["parameters"]}
    assert parameters >= {
        "search",
        "page",
        "per_page",
        "abuse_type",
        "audience",
        "borough",
        "postcode",
        "language",
        "eligibility",
        "channel",
        "open_now",
        "open_at",
    }
    assert {"get", "put", "patch"} <= set(spec["paths"]["/services/{id}"])
    assert client.get("/docs").status_code == 200


def test_the_action_servers_client_reads_every_real_service(client):
    """The client's own tests use a fake directory; this checks it against the real output."""
    from actions.directory_client import summarise

    page = client.get("/services", params={"per_page": 100, "open_at": SATURDAY_2AM}).json()
    for service in page["contents"]:
        summary = summarise(service)
        phones = service.get("phones", [])
        assert [phone.number for phone in summary.phones] == [p["number"] for p in phones]
        assert (summary.how_to_reach is None) == any(p["type"] == "voice" for p in phones)
        assert summary.record_id and summary.last_verified.isoformat() == "2026-11-25"
    karma = summarise(
        client.get("/services/karma_nirvana", params={"open_at": SATURDAY_2AM}).json()
    )
    assert (karma.open_now, karma.next_open, karma.is_24_7) == (False, "opens today at 10am", False)
    angelou = summarise(client.get("/services/angelou_partnership").json())
    assert angelou.phones == () and angelou.open_now is None and angelou.has_gaps
    assert (
        angelou.how_to_reach == "Its advice line, email and referral route are not confirmed yet."
    )


def test_open_at_in_a_far_off_year_is_refused_not_a_server_error(client):
    for moment in ("0001-01-01T00:00:00", "9999-12-31T23:59:59"):
        assert client.get("/services", params={"open_at": moment}).status_code == 422
