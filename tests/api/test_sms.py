from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from twilio.request_validator import RequestValidator

from api.privacy import pseudonym
from api.rasa_client import Button, Reply
from api.routers.sms import DISCRETION_NOTICE, FORGOTTEN_REPLY, discretion_notice
from api.safety import SAFETY_MESSAGE
from api.text import is_gsm7, sms_segments
from tests.api.conftest import TWILIO_TOKEN

URL = "https://chat.example.org/sms"
PHONE = "+447700900123"
SENDER = pseudonym("unit-test-key", "sms", PHONE)


NOTICE = DISCRETION_NOTICE.format(forget_word="FORGET")  # the default word


def form(body: str) -> dict[str, str]:
    return {"MessageSid": "SM" + "1" * 32, "From": PHONE, "To": "+447700900000", "Body": body}


def signed_post(client, params: dict[str, str], token: str = TWILIO_TOKEN):
    signature = RequestValidator(token).compute_signature(URL, params)
    return client.post("/sms", data=params, headers={"X-Twilio-Signature": signature})


def message_of(response) -> str | None:
    root = ElementTree.fromstring(response.text)
    messages = root.findall("Message")
    assert len(messages) <= 1, "one TwiML message per turn"
    return messages[0].text if messages else None


def test_signed_sms_reaches_rasa_with_a_pseudonym_and_gets_twiml(client, fake_rasa):
    fake_rasa.known.add(SENDER)
    fake_rasa.replies = [
        Reply("Hi. Is it safe to text?", [Button("Yes", "/a"), Button("No", "/b")])
    ]
    response = signed_post(client, form("hello"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/xml")
    assert message_of(response) == "Hi. Is it safe to text?\n\nReply 1 for Yes, 2 for No"
    sender, _, channel = fake_rasa.sent[0]
    assert sender == SENDER and channel == "sms"
    assert PHONE not in sender


def test_the_first_reply_says_how_to_stay_discreet_and_only_the_first(client, fake_rasa):
    first = message_of(signed_post(client, form("hello")))
    assert first.endswith(NOTICE)
    assert "delete" in NOTICE and "other devices" in NOTICE
    second = message_of(signed_post(client, form("what is stalking")))
    assert NOTICE not in second


def test_replies_are_gsm7_and_at_most_three_segments(client, fake_rasa):
    fake_rasa.replies = [
        Reply("\u201cYou\u2019re not alone\u201d \u2013 we\u2019re here \U0001f49c"),
        Reply("A long second reply. " * 40),
        Reply("Third", [Button("Find support", "/find_service")]),
    ]
    text = message_of(signed_post(client, form("hello")))
    assert is_gsm7(text)
    assert sms_segments(text) <= 3
    assert text.startswith("\"You're not alone\" - we're here")
    assert text.endswith(NOTICE) and "Reply 1 for Find support" in text


def test_forged_unsigned_and_tampered_requests_get_403(client, fake_rasa):
    assert signed_post(client, form("hello"), token="wrong").status_code == 403
    assert client.post("/sms", data=form("hello")).status_code == 403
    params = form("hello")
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(URL, params)
    tampered = dict(params, Body="something else")
    headers = {"X-Twilio-Signature": signature}
    assert client.post("/sms", data=tampered, headers=headers).status_code == 403
    assert fake_rasa.sent == [] and fake_rasa.forgotten == []


def test_without_a_token_every_request_is_refused(client, fake_rasa, settings):
    client.app.state.settings = settings.model_copy(update={"twilio_auth_token": None})
    assert signed_post(client, form("hello")).status_code == 403
    assert fake_rasa.sent == []


def test_stop_is_left_to_twilio_and_forgets(client, fake_rasa):
    response = signed_post(client, form("STOP"))
    assert response.status_code == 200 and message_of(response) is None
    assert fake_rasa.sent == []
    assert fake_rasa.forgotten == [SENDER]


def test_twilio_advanced_opt_out_parameter_is_respected(client, fake_rasa):
    assert message_of(signed_post(client, dict(form("bye now"), OptOutType="STOP"))) is None
    assert fake_rasa.sent == [] and fake_rasa.forgotten == [SENDER]


def test_help_and_start_get_empty_twiml_without_rasa(client, fake_rasa):
    for word in ("HELP", "START", "help"):
        assert message_of(signed_post(client, form(word))) is None
    assert fake_rasa.sent == [] and fake_rasa.forgotten == []


def test_forget_word_deletes_the_conversation_with_a_bland_reply(client, fake_rasa):
    signed_post(client, form("hello"))
    assert message_of(signed_post(client, form("forget"))) == FORGOTTEN_REPLY
    assert fake_rasa.forgotten == [SENDER] and SENDER not in fake_rasa.known
    assert not re.search(r"abuse|refuge|violence", FORGOTTEN_REPLY, re.I)


def test_cover_word_gets_an_innocuous_reply_and_ends_the_conversation(client, fake_rasa, settings):
    signed_post(client, form("hello"))
    reply = message_of(signed_post(client, form("Recipe")))
    assert reply == settings.sms_cover_reply
    assert not re.search(r"abuse|refuge|violence|help|999|chat", reply, re.I)
    assert fake_rasa.forgotten == [SENDER] and len(fake_rasa.sent) == 1


def test_rasa_down_gives_the_safety_message_by_sms(client, fake_rasa):
    fake_rasa.fail = True
    assert message_of(signed_post(client, form("help me"))).startswith(SAFETY_MESSAGE)


def test_the_gateway_never_texts_first():
    """Replies go only as TwiML to an inbound message: no code sends an SMS on its own."""
    api_dir = Path(__file__).resolve().parents[2] / "api"
    sources = "\n".join(p.read_text() for p in api_dir.rglob("*.py"))
    assert "messages.create" not in sources and "twilio.rest" not in sources


def test_after_forget_a_new_conversation_goes_on_normally(client, fake_rasa):
    signed_post(client, form("hello"))
    signed_post(client, form("FORGET"))
    first = message_of(signed_post(client, form("hello again")))
    second = message_of(signed_post(client, form("who can help")))
    assert first.endswith(NOTICE) and NOTICE not in second
    assert fake_rasa.forgotten == [SENDER] and SENDER in fake_rasa.known


def test_yes_is_an_answer_for_the_bot_unless_twilio_handled_it(client, fake_rasa):
    signed_post(client, form("YES"))
    assert [text for _, text, _ in fake_rasa.sent] == ["YES"]
    assert message_of(signed_post(client, dict(form("YES"), OptOutType="START"))) is None
    assert len(fake_rasa.sent) == 1


def test_the_discretion_notice_names_the_configured_forget_word(settings):
    settings.sms_forget_word = "clear"
    assert "Text CLEAR to clear this chat" in discretion_notice(settings)
