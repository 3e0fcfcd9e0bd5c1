"""Directory answers kept in the gateway (api/directory_cache.py): served again while fresh,
never after an edit (through the API or the CLI, another process), never past the TTL or the
minute, bounded in size."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from api.directory_cache import DirectoryCache
from api.main import create_app, create_internal_app
from api.routers import directory
from api.settings import Settings
from services_directory.db import open_directory

ADMIN_TOKEN = "test-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}", "X-Actor": "jo"}
EMERGENCY = {"abuse_type": "domestic_abuse", "open_now": "true", "page": "1", "per_page": "5"}
START = 1_790_000_040.0  # a whole minute (UTC), so tests can step within it


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'directory.sqlite3'}"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(database_url, clock) -> DirectoryCache:
    return DirectoryCache(open_directory(database_url), seconds=30, clock=clock)


@pytest.fixture
def settings(database_url) -> Settings:
    return Settings(admin_token=ADMIN_TOKEN, database_url=database_url, _env_file=None)


@pytest.fixture
def internal(settings, cache) -> TestClient:
    """The action server's listener, as api/__main__.py builds it."""
    return TestClient(create_internal_app(settings, cache.sessions, cache))


@pytest.fixture
def public(settings, cache) -> TestClient:
    """The public listener, sharing the internal listener's cache."""
    with TestClient(create_app(settings, cache.sessions, cache)) as client:
        yield client


@pytest.fixture
def queries_run(monkeypatch) -> list[str]:
    """Counts the directory queries the handlers really run."""
    ran: list[str] = []
    find_services, get_service = directory.queries.find_services, directory.queries.get_service

    def counted_find(*args, **kwargs):
        ran.append("find_services")
        return find_services(*args, **kwargs)

    def counted_get(*args, **kwargs):
        ran.append("get_service")
        return get_service(*args, **kwargs)

    monkeypatch.setattr(directory.queries, "find_services", counted_find)
    monkeypatch.setattr(directory.queries, "get_service", counted_get)
    return ran


def helpline_name(client: TestClient) -> str:
    response = client.get("/services", params=EMERGENCY)
    assert response.status_code == 200, response.text
    return response.json()["contents"][0]["name"]


def test_the_same_question_is_answered_once_within_the_ttl(internal, clock, queries_run):
    first = internal.get("/services", params=EMERGENCY)
    clock.now += 29
    again = internal.get("/services", params=EMERGENCY)
    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert queries_run == ["find_services"]
    # another question is another entry
    internal.get("/services", params={**EMERGENCY, "per_page": "2"})
    internal.get("/services/karma_nirvana")
    internal.get("/services/karma_nirvana")
    assert queries_run == ["find_services", "find_services", "get_service"]


def test_an_answer_is_never_kept_past_the_ttl(cache, internal, clock, queries_run):
    cache.seconds = 10
    internal.get("/services", params=EMERGENCY)
    clock.now += 10  # open_now may be stale by at most the TTL
    internal.get("/services", params=EMERGENCY)
    assert queries_run == ["find_services", "find_services"]


def test_an_answer_is_never_kept_into_the_next_minute(internal, clock, queries_run):
    """Opening hours are whole minutes: within one minute, open_now cannot change."""
    clock.now = START + 50
    internal.get("/services", params=EMERGENCY)
    clock.now = START + 61  # 11 s later, but a new minute
    internal.get("/services", params=EMERGENCY)
    assert queries_run == ["find_services", "find_services"]


def test_an_edit_through_the_api_is_seen_at_once_on_both_listeners(public, internal):
    before = helpline_name(internal)
    assert helpline_name(public) == before
    [service] = public.get("/services", params=EMERGENCY).json()["contents"][:1]
    patched = public.patch(f"/services/{service['id']}", json={"name": "Renamed"}, headers=ADMIN)
    assert patched.status_code == 200, patched.text
    assert len(public.app.state.directory_cache) == 0  # a write empties it
    assert helpline_name(internal) == "Renamed"
    assert helpline_name(public) == "Renamed"


def test_an_edit_through_the_cli_in_another_process_is_seen_at_once(
    internal, database_url, queries_run
):
    internal.get("/services/karma_nirvana")
    assert internal.get("/services/karma_nirvana").json()["assured_date"] != "2026-01-02"
    subprocess.run(
        [sys.executable, "-m", "services_directory", "--database-url", database_url]
        + ["verify", "karma_nirvana", "--on", "2026-01-02"],
        check=True,
        capture_output=True,
    )
    assert internal.get("/services/karma_nirvana").json()["assured_date"] == "2026-01-02"
    assert queries_run == ["get_service", "get_service"]


def test_only_successful_answers_are_kept(internal, queries_run):
    assert internal.get("/services/no_such_service").status_code == 404
    assert internal.get("/services/no_such_service").status_code == 404
    assert internal.get("/services", params={"abuse_type": "nonsense"}).status_code == 422
    assert len(internal.app.state.directory_cache) == 0
    assert queries_run == ["get_service", "get_service", "find_services"]


def test_it_is_bounded(cache, internal):
    cache.max_entries = 3
    for per_page in range(1, 6):
        internal.get("/services", params={**EMERGENCY, "per_page": str(per_page)})
    assert len(cache) == 3
    cache.max_body_bytes = 100  # a page larger than this is answered but not kept
    cache.clear()
    assert internal.get("/services", params={"per_page": "100"}).status_code == 200
    assert len(cache) == 0


def test_zero_seconds_turns_it_off(cache, internal, queries_run):
    cache.seconds = 0
    internal.get("/services", params=EMERGENCY)
    internal.get("/services", params=EMERGENCY)
    assert queries_run == ["find_services", "find_services"]
    assert len(cache) == 0


def test_a_kept_answer_on_the_public_listener_keeps_its_headers_and_log_line(public, caplog):
    caplog.set_level(logging.INFO, logger="api.access")
    first = public.get("/services", params=EMERGENCY)
    again = public.get("/services", params=EMERGENCY)
    assert again.headers["cache-control"] == first.headers["cache-control"] == "no-store"
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
    assert [header for header, _ in again.headers.items()].count("x-frame-options") == 1
    assert caplog.text.count("GET /services 200") == 2


def test_a_directory_that_is_down_is_still_a_503(tmp_path):
    sessions = open_directory(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    app = create_internal_app(Settings(_env_file=None), sessions)
    sessions.kw["bind"].dispose()
    (tmp_path / "d.sqlite3").unlink()
    (tmp_path / "d.sqlite3").mkdir()  # no database can be opened there
    response = TestClient(app).get("/services")
    assert response.status_code == 503
    assert len(app.state.directory_cache) == 0
