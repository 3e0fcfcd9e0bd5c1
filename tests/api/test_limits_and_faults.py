"""Limits before Rasa, security headers everywhere, and answers when things behind fail."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from api.limits import LIMITED_MESSAGE, NewSessionLimit, SlidingWindow
from api.main import create_app
from api.safety import SAFETY_MESSAGE

SESSION = "t" * 24


def post(client, message="hello", session=SESSION):
    return client.post("/api/chat", json={"session": session, "message": message})


def test_sliding_window_counts_per_key_and_forgets_old_hits():
    window = SlidingWindow(limit=2, window=60)
    assert window.allow("a", 0) and window.allow("a", 1) and not window.allow("a", 2)
    assert window.allow("b", 2)
    assert window.allow("a", 61)


def test_sliding_window_memory_is_bounded():
    window = SlidingWindow(limit=1, window=60, max_keys=10)
    for i in range(100):
        window.allow(f"k{i}", 0)
    assert len(window._hits) == 10


def test_new_conversation_limit_counts_distinct_conversations_only():
    limit = NewSessionLimit(limit=2, window=3600)
    assert limit.allow("ip", "s1", 0) and limit.allow("ip", "s1", 1) and limit.allow("ip", "s2", 2)
    assert not limit.allow("ip", "s3", 3)
    assert limit.allow("ip", "s1", 4)  # a known conversation goes on


def test_messages_per_conversation_are_limited_before_rasa(client, fake_rasa, settings):
    allowed = settings.messages_per_minute_per_conversation
    statuses = [post(client).status_code for _ in range(allowed + 1)]
    assert statuses[:allowed] == [200] * allowed
    limited = post(client)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "60"
    assert limited.json()["replies"][0]["text"] == LIMITED_MESSAGE and "999" in LIMITED_MESSAGE
    assert len(fake_rasa.sent) == allowed


def test_new_conversations_per_ip_are_limited(client, fake_rasa, settings):
    allowed = settings.new_conversations_per_hour_per_ip
    for i in range(allowed):
        assert post(client, session=f"{i:024d}").status_code == 200
    assert post(client, session="z" * 24).status_code == 429
    assert post(client, session=f"{0:024d}").status_code == 200


def test_a_large_body_is_refused_before_anything_reads_it(client, fake_rasa):
    response = client.post(
        "/api/chat", content=b"x" * 100_000, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413 and "999" in response.json()["detail"]
    assert fake_rasa.sent == []


def test_a_streamed_large_body_is_refused(client, fake_rasa):
    def chunks():
        for _ in range(100):
            yield b"x" * 1000

    response = client.post(
        "/api/chat", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert fake_rasa.sent == []


@pytest.mark.parametrize("path", ["/api/chat", "/healthz", "/services", "/nope"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "set-cookie" not in response.headers


def test_hsts_when_served_over_https(client):
    assert client.get("/healthz").headers["Strict-Transport-Security"].startswith("max-age=")


def test_rasa_slower_than_the_budget_still_gets_the_safety_message_in_time(client, fake_rasa):
    client.app.state.settings = client.app.state.settings.model_copy(
        update={"reply_budget_seconds": 0.3}
    )
    fake_rasa.delay = 5
    started = time.monotonic()
    response = post(client, "he is outside")
    assert time.monotonic() - started < 2
    assert response.json()["replies"][0]["text"] == SAFETY_MESSAGE


def test_directory_down_is_a_503_and_named_by_health(fake_rasa, settings):
    broken = sessionmaker(create_engine("sqlite:////nonexistent-folder/directory.sqlite3"))
    app = create_app(settings, broken)
    app.state.rasa = fake_rasa
    with TestClient(app) as client:
        assert client.get("/services").status_code == 503
        health = client.get("/healthz")
        assert health.status_code == 503 and "directory" in health.json()["down"]
        assert post(client).status_code == 200  # chat still answers
