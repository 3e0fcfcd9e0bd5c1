from __future__ import annotations

from xml.etree import ElementTree

from twilio.request_validator import RequestValidator

from api.privacy import pseudonym
from api.rasa_client import Button, Reply
from api.safety import SAFETY_MESSAGE
from tests.api.conftest import TWILIO_TOKEN

URL = "https://chat.example.org/sms"
PHONE = "+447700900123"


def form(body: str) -> dict[str, str]:
    return {"MessageSid": "SM" + "1" * 32, "From": PHONE, "To": "+447700900000", "Body": body}


def signed_post(client, params: dict[str, str], token: str = TWILIO_TOKEN):
    signature = RequestValidator(token).compute_signature(URL, params)
    return client.post("/sms", data=params, headers={"X-Twilio-Signature": signature})


def message_of(response) -> str | None:
    node = ElementTree.fromstring(response.text).find("Message")
    return None if node is None else node.text


def test_signed_sms_reaches_rasa_with_a_pseudonym_and_gets_twiml(client, fake_rasa):
    fake_rasa.replies = [
        Reply("Hi. Is it safe to text?", [Button("Yes", "/a"), Button("No", "/b")])
    ]
    response = signed_post(client, form("hello"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert message_of(response) == "Hi. Is it safe to text?\n\nReply 1 for Yes, 2 for No"
    sender, _, channel = fake_rasa.sent[0]
    assert sender == pseudonym("unit-test-key", "sms", PHONE) and channel == "sms"
    assert PHONE not in sender


def test_forged_unsigned_and_tampered_requests_get_403(client, fake_rasa):
    assert signed_post(client, form("hello"), token="wrong").status_code == 403
    assert client.post("/sms", data=form("hello")).status_code == 403
    params = form("hello")
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(URL, params)
    tampered = dict(params, Body="something else")
    assert (
        client.post("/sms", data=tampered, headers={"X-Twilio-Signature": signature}).status_code
        == 403
    )
    assert fake_rasa.sent == []


def test_without_a_token_every_request_is_refused(client, fake_rasa, settings):
    client.app.state.settings = settings.model_copy(update={"twilio_auth_token": None})
    assert signed_post(client, form("hello")).status_code == 403
    assert fake_rasa.sent == []


def test_stop_is_left_to_twilio_and_forgets(client, fake_rasa):
    response = signed_post(client, form("STOP"))
    assert response.status_code == 200 and message_of(response) is None
    assert fake_rasa.sent == []
    assert fake_rasa.forgotten == [pseudonym("unit-test-key", "sms", PHONE)]


def test_help_and_start_get_empty_twiml_without_rasa(client, fake_rasa):
    for word in ("HELP", "START"):
        assert message_of(signed_post(client, form(word))) is None
    assert fake_rasa.sent == [] and fake_rasa.forgotten == []


def test_rasa_down_gives_the_safety_message_by_sms(client, fake_rasa):
    fake_rasa.fail = True
    assert message_of(signed_post(client, form("help me"))) == SAFETY_MESSAGE
