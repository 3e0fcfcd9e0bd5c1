"""No message text, phone number or session id in any log line of the real processes."""

from __future__ import annotations

import re
import secrets

import httpx
import pytest
from twilio.request_validator import RequestValidator

pytestmark = pytest.mark.e2e

PHONE = "+447700900777"
UK_MOBILE = re.compile(r"(\+44|\b0)7\d{3}\s?\d{6}\b")


def test_logs_hold_no_text_phone_number_or_session(stack):
    session = secrets.token_urlsafe(24)
    canary = f"canary{secrets.token_hex(4)}"
    texts = [f"hello {canary}", f"he said he'll kill me {canary}", f'/greet{{"x": "{canary}"}}']
    for text in texts:
        response = httpx.post(
            f"{stack.base_url}/api/chat", json={"session": session, "message": text}, timeout=30
        )
        assert response.status_code == 200
    url = f"{stack.base_url}/sms"
    params = {
        "MessageSid": "SM" + "2" * 32,
        "From": PHONE,
        "To": "+447700900000",
        "Body": f"who can help {canary}",
    }
    signature = RequestValidator(stack.twilio_token).compute_signature(url, params)
    assert (
        httpx.post(
            url, data=params, headers={"X-Twilio-Signature": signature}, timeout=30
        ).status_code
        == 200
    )
    httpx.delete(f"{stack.base_url}/api/chat/{session}")

    log = stack.log_text()
    assert "/api/chat" in log, "the gateway's access lines should be in the captured log"
    assert canary not in log
    assert session not in log
    assert PHONE not in log and PHONE[1:] not in log
    assert not UK_MOBILE.search(log)
    assert stack.sender("sms", PHONE) not in log
