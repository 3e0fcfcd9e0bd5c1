"""The whole chain through the real processes: gateway -> Rasa -> action server -> directory."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from xml.etree import ElementTree

import httpx
import pytest
from twilio.request_validator import RequestValidator

from api.safety import SAFETY_MESSAGE

pytestmark = pytest.mark.e2e


def new_session() -> str:
    return secrets.token_urlsafe(24)


def chat(stack, session: str, message: str) -> list[dict]:
    response = httpx.post(
        f"{stack.base_url}/api/chat", json={"session": session, "message": message}, timeout=30
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["session"] == session
    return body["replies"]


def all_text(replies: list[dict]) -> str:
    return "\n".join(r["text"] for r in replies)


def test_hello_gets_a_greeting_that_asks_if_it_is_safe(stack):
    replies = chat(stack, new_session(), "hello")
    assert "safe" in all_text(replies).lower()
    assert any(r["buttons"] for r in replies)


@pytest.mark.parametrize("message", ["he's outside with a knife", "he said he'll kill me"])
def test_danger_is_answered_with_999_silent_solution_and_a_24_7_line(stack, message):
    replies = chat(stack, new_session(), message)
    first = replies[0]["text"]
    assert "999" in first and "55" in first
    text = all_text(replies)
    always_open_numbers = {
        phone["number"]
        for service in stack.services()
        for phone in service.get("phones", [])
        if phone["number"] != "999"
    }
    assert any(number in text for number in always_open_numbers), text


def test_feeling_low_gets_samaritans_number_from_the_directory(stack):
    text = all_text(chat(stack, new_session(), "i feel so alone lately"))
    samaritans = [s for s in stack.services() if s["name"] == "Samaritans"]
    assert samaritans and samaritans[0]["phones"][0]["number"] in text, text


def test_asking_for_a_service_names_one_from_the_directory(stack):
    session = new_session()
    chat(stack, session, "what is coercive control")
    text = all_text(chat(stack, session, "who can help me"))
    names = [service["name"] for service in stack.services()]
    assert any(name in text for name in names), text


def main_abuse_type(service: dict) -> str | None:
    """The first abuse type the directory lists for a service: its main one."""
    types = [
        a["taxonomy_term"]["term"]
        for a in service.get("attributes", [])
        if a.get("link_type") == "vawg_abuse_type"
    ]
    return types[0] if types else None


def test_who_can_help_after_stalking_names_a_stalking_specialist(stack):
    """'who can help?' after talking about stalking signposts for stalking, at any hour."""
    session = new_session()
    chat(stack, session, "my ex is stalking me")
    text = all_text(chat(stack, session, "who can help?"))
    specialists = [s["name"] for s in stack.services() if main_abuse_type(s) == "stalking"]
    assert specialists and any(name in text for name in specialists), text


@pytest.mark.parametrize(
    ("message", "name"),
    [("whats the number for rahab", "Rahab"), ("is al-hasaniya open today", "Al-Hasaniya")],
)
def test_a_service_named_comes_first_with_its_details_from_the_directory(stack, message, name):
    text = all_text(chat(stack, new_session(), message))
    [record] = [s for s in stack.services() if s["name"].startswith(name)]
    listed = text.split("\n")[1]  # the line after the intro names the first service
    assert listed.startswith(name), text
    for phone in record.get("phones", []):
        assert phone["number"] in text


def test_an_edit_through_the_cli_changes_the_answer_without_retraining(stack, tmp_path):
    """The directory is the single source: edit a record, and the bot says the new thing."""
    env = dict(os.environ, DATABASE_URL=stack.database_url)
    cli = [sys.executable, "-m", "services_directory"]
    exported = tmp_path / "services.json"
    subprocess.run([*cli, "export", "-o", str(exported)], env=env, check=True, capture_output=True)
    services = json.loads(exported.read_text())
    services = services.get("contents", services) if isinstance(services, dict) else services
    new_name = f"Edited helpline name {secrets.token_hex(3)}"
    for service in services:
        if any(p.get("number") == "0808 2000 247" for p in service.get("phones", [])):
            service["name"] = new_name
    exported.write_text(json.dumps(services))
    subprocess.run([*cli, "import", str(exported)], env=env, check=True, capture_output=True)
    replies = chat(stack, new_session(), "he said he'll kill me")
    assert new_name in all_text(replies)


def sms_form(body: str, phone: str = "+447700900123") -> dict[str, str]:
    return {"MessageSid": "SM" + "0" * 32, "From": phone, "To": "+447700900000", "Body": body}


def test_signed_sms_gets_twiml(stack):
    params = sms_form("hello")
    url = f"{stack.base_url}/sms"
    signature = RequestValidator(stack.twilio_token).compute_signature(url, params)
    response = httpx.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=30)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    message = ElementTree.fromstring(response.text).find("Message")
    assert message is not None and message.text


def test_forged_or_unsigned_sms_is_refused(stack):
    params = sms_form("hello")
    url = f"{stack.base_url}/sms"
    forged = RequestValidator("not-the-token").compute_signature(url, params)
    assert httpx.post(url, data=params, headers={"X-Twilio-Signature": forged}).status_code == 403
    assert httpx.post(url, data=params).status_code == 403


def test_quick_exit_forgets_the_conversation(stack):
    session = new_session()
    chat(stack, session, "hello")
    assert stack.has_conversation(session)
    assert httpx.delete(f"{stack.base_url}/api/chat/{session}").status_code == 204
    assert not stack.has_conversation(session)


def test_with_the_action_server_down_danger_still_gets_a_24_7_helpline(stack):
    stack.kill("actions")
    time.sleep(0.5)
    replies = chat(stack, new_session(), "he said he'll kill me")
    text = all_text(replies)
    assert "999" in replies[0]["text"] and "55" in replies[0]["text"]
    assert "0808 2000 247" in text  # the fixed safety message, since the directory line failed
    stack.wait_healthy()  # the supervisor restarts the action server


def test_with_rasa_stopped_the_gateway_still_answers_with_the_safety_message(stack):
    """Last in this module: it takes Rasa down, then waits for the supervisor's restart."""
    stack.kill("rasa")
    time.sleep(0.5)
    replies = chat(stack, new_session(), "he's outside with a knife")
    assert replies == [{"text": SAFETY_MESSAGE, "buttons": []}]
    health = httpx.get(f"{stack.base_url}/healthz", timeout=10)
    assert health.status_code == 503 and "rasa" in health.json()["down"]
    stack.wait_healthy()  # restarted by the supervisor; the gateway recovers by itself
    assert "safe" in all_text(chat(stack, new_session(), "hello")).lower()
