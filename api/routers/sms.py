"""Twilio inbound SMS webhook: checked, pseudonymised, answered with one TwiML message."""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter, Request, Response
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from api.conversation import converse, forget, has_conversation
from api.deps import SettingsDep
from api.limits import LIMITED_MESSAGE
from api.privacy import pseudonym
from api.settings import Settings
from api.sms_render import render_sms
from api.text import clean_user_text

router = APIRouter(tags=["sms"])
logger = logging.getLogger("api.sms")

SMS = "sms"
# Twilio's own opt-out handling answers these; we stay silent (and STOP also forgets).
OPT_OUT_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
# YES is also one of Twilio's opt-in words, but here it is nearly always the answer to a
# question ("Is it safe to talk?"): it reaches the bot unless Twilio flags it (OptOutType).
OPT_IN_WORDS = {"START", "UNSTOP"}
HELP_WORDS = {"HELP", "INFO"}

FORGOTTEN_REPLY = (
    "Done. This chat is cleared on our side. You can delete the texts on your phone too."
)

# Said once, with the first reply of a conversation: SMS has no quick exit.
DISCRETION_NOTICE = (
    "Tip: you can delete this thread. Texts can also show on other devices linked to this "
    "phone and on itemised bills. Text {forget_word} to clear this chat."
)


def discretion_notice(settings: Settings) -> str:
    return DISCRETION_NOTICE.format(forget_word=settings.sms_forget_word.upper())


def twiml(text: str | None) -> Response:
    reply = MessagingResponse()
    if text:
        reply.message(text)
    return Response(content=str(reply), media_type="application/xml")


def signature_ok(request: Request, params: dict[str, str], token: str | None, base: str) -> bool:
    signature = request.headers.get("X-Twilio-Signature")
    if not token or not signature:
        return False
    url = base.rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    return RequestValidator(token).validate(url, params, signature)


async def forget_now(request: Request, sender: str) -> None:
    request.app.state.recently_forgotten.add(sender)
    await forget(request.app.state.rasa, sender)


@router.post("/sms")
async def inbound_sms(request: Request, settings: SettingsDep) -> Response:
    form = await request.form()
    params = {key: str(value) for key, value in form.items()}
    if not signature_ok(request, params, settings.twilio_auth_token, settings.public_base_url):
        logger.warning("sms refused: missing or invalid signature")
        return Response(status_code=403)
    phone = params.get("From", "")
    if not phone:
        return twiml(None)
    sender = pseudonym(settings.pseudonym_key, SMS, phone)
    text = clean_user_text(params.get("Body", ""))
    keyword = text.upper()
    rasa = request.app.state.rasa
    if params.get("OptOutType") or keyword in OPT_OUT_WORDS | OPT_IN_WORDS | HELP_WORDS:
        if params.get("OptOutType", "").upper() == "STOP" or keyword in OPT_OUT_WORDS:
            await forget_now(request, sender)
        return twiml(None)
    if keyword == settings.sms_forget_word.upper():
        await forget_now(request, sender)
        return twiml(FORGOTTEN_REPLY)
    if keyword == settings.sms_cover_word.upper():
        await forget_now(request, sender)
        return twiml(settings.sms_cover_reply)
    if not request.app.state.limits["conversation"].allow(sender):
        # 200, not 429: Twilio only delivers a reply that comes with a 2xx
        return twiml(LIMITED_MESSAGE)
    first_turn = not await has_conversation(rasa, sender)
    started = time.monotonic()
    replies = await converse(rasa, sender, text or "?", SMS, settings.reply_budget_seconds)
    if request.app.state.recently_forgotten.since(sender, started):  # forgotten while we answered
        await forget(rasa, sender)
    return twiml(render_sms(replies, discretion_notice(settings) if first_turn else None))
