from __future__ import annotations

import logging

from opentelemetry import trace
from opentelemetry.trace import NoOpTracerProvider
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from api.main import create_app, create_internal_app
from api.privacy import pseudonym
from api.rasa_client import Button, Reply
from api.safety import SAFETY_MESSAGE

SESSION = "s" * 24


def test_chat_returns_the_bots_replies_with_buttons(client, fake_rasa):
    fake_rasa.replies = [Reply("Is it safe?", [Button("Yes", "/safe_to_talk")])]
    response = client.post("/api/chat", json={"session": SESSION, "message": "hello"})
    assert response.status_code == 200
    assert response.json() == {
        "session": SESSION,
        "replies": [
            {"text": "Is it safe?", "buttons": [{"title": "Yes", "payload": "/safe_to_talk"}]}
        ],
    }


def test_rasa_gets_a_pseudonym_not_the_session_id(client, fake_rasa):
    client.post("/api/chat", json={"session": SESSION, "message": "hello"})
    sender, text, channel = fake_rasa.sent[0]
    assert sender == pseudonym("unit-test-key", "web", SESSION)
    assert SESSION not in sender and channel == "web" and text == "hello"


def test_when_rasa_fails_the_answer_is_the_safety_message(client, fake_rasa):
    fake_rasa.fail = True
    response = client.post("/api/chat", json={"session": SESSION, "message": "help"})
    assert response.status_code == 200
    assert response.json()["replies"] == [{"text": SAFETY_MESSAGE, "buttons": []}]
    for needed in ("999", "55", "0808 2000 247"):
        assert needed in SAFETY_MESSAGE


def test_bad_requests_are_refused_before_rasa(client, fake_rasa):
    assert client.post("/api/chat", json={"session": "short", "message": "hi"}).status_code == 422
    assert client.post("/api/chat", json={"session": SESSION, "message": ""}).status_code == 422
    assert (
        client.post("/api/chat", json={"session": SESSION, "message": "x" * 5000}).status_code
        == 422
    )
    assert fake_rasa.sent == []


def test_delete_forgets_and_says_nothing_about_existence(client, fake_rasa):
    assert client.delete(f"/api/chat/{SESSION}").status_code == 204
    assert fake_rasa.forgotten == [pseudonym("unit-test-key", "web", SESSION)]


def test_no_message_text_in_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    client.post("/api/chat", json={"session": SESSION, "message": "my secret words"})
    assert "my secret words" not in caplog.text
    assert SESSION not in caplog.text


def test_a_reply_still_on_its_way_at_quick_exit_does_not_bring_the_conversation_back(
    client, fake_rasa
):
    sender = pseudonym("unit-test-key", "web", SESSION)

    async def send_and_leave_meanwhile(sender_id, text, channel):
        client.app.state.recently_forgotten.add(sender_id)  # the DELETE lands mid-turn
        fake_rasa.known.add(sender_id)  # and Rasa saves the conversation after it
        return fake_rasa.replies

    fake_rasa.send = send_and_leave_meanwhile
    assert client.post("/api/chat", json={"session": SESSION, "message": "hi"}).status_code == 200
    assert fake_rasa.forgotten == [sender] and sender not in fake_rasa.known


def test_a_conversation_started_after_a_forget_is_kept(client, fake_rasa):
    sender = pseudonym("unit-test-key", "web", SESSION)
    client.delete(f"/api/chat/{SESSION}")
    client.post("/api/chat", json={"session": SESSION, "message": "hi"})
    assert fake_rasa.forgotten == [sender] and sender in fake_rasa.known


def test_fastapis_own_telemetry_is_off_even_when_the_environment_asks(monkeypatch, settings):
    # FastAPI's OpenTelemetry can carry request bodies and exception messages
    monkeypatch.setenv("FASTAPI_OTEL_AUTO_CONFIGURE", "true")

    class SomeVendorsProvider(NoOpTracerProvider):  # not one of the "unconfigured" kinds
        pass

    sessions = sessionmaker(create_engine("sqlite://"))
    for app in (create_app(settings, sessions), create_internal_app(settings, sessions)):
        config = app._telemetry
        assert not any(config[k] for k in ("tracing", "metrics", "logs", "operation_spans"))
        assert config["auto_configure"] is False
        # even with a tracing provider configured in the process, nothing is traced
        monkeypatch.setattr(trace, "get_tracer_provider", lambda: SomeVendorsProvider())
        assert not app._native_telemetry.enabled()


def test_the_message_routes_hand_no_work_to_a_thread():
    """Every dependency of the chat and SMS routes is async: FastAPI runs a plain `def`
    dependency in its thread pool, a hand-off per message (about a tenth of the gateway's
    CPU at 50 concurrent conversations, py-spy 2026-12-08)."""
    import inspect

    from api.routers import chat, sms

    def calls(dependant):
        for dependency in dependant.dependencies:
            yield dependency.call
            yield from calls(dependency)

    routes = [*chat.router.routes, *sms.router.routes]
    assert len(routes) == 3
    for route in routes:
        assert inspect.iscoroutinefunction(route.endpoint), route.path
        for call in calls(route.dependant):
            assert inspect.iscoroutinefunction(call), (route.path, call)
