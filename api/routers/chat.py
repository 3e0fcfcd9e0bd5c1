"""Web chat API: one message in, the bot's replies out; and forgetting on quick exit."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.conversation import converse, forget
from api.deps import SettingsDep
from api.limits import LIMITED_MESSAGE
from api.privacy import pseudonym
from api.text import MAX_MESSAGE_CHARS, clean_user_text

router = APIRouter(prefix="/api/chat", tags=["chat"])

SESSION_PATTERN = r"^[A-Za-z0-9_-]{16,128}$"
WEB = "web"


class ChatRequest(BaseModel):
    session: str = Field(pattern=SESSION_PATTERN, description="random id the page made")
    message: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS)


class ButtonOut(BaseModel):
    title: str
    payload: str


class ReplyOut(BaseModel):
    text: str
    buttons: list[ButtonOut] = []


class ChatResponse(BaseModel):
    session: str
    replies: list[ReplyOut]


def _limited(session: str) -> JSONResponse:
    body = ChatResponse(session=session, replies=[ReplyOut(text=LIMITED_MESSAGE)])
    return JSONResponse(body.model_dump(), status_code=429, headers={"Retry-After": "60"})


@router.post("", response_model=ChatResponse, responses={429: {"model": ChatResponse}})
async def chat(
    body: ChatRequest, request: Request, settings: SettingsDep
) -> ChatResponse | JSONResponse:
    sender = pseudonym(settings.pseudonym_key, WEB, body.session)
    client = pseudonym(settings.pseudonym_key, "ip", request.client.host if request.client else "")
    limits = request.app.state.limits
    if not (
        limits["ip"].allow(client)
        and limits["new_conversation"].allow(client, sender)
        and limits["conversation"].allow(sender)
    ):
        return _limited(body.session)
    text = clean_user_text(body.message) or "?"
    rasa = request.app.state.rasa
    started = time.monotonic()
    replies = await converse(rasa, sender, text, WEB, settings.reply_budget_seconds)
    if request.app.state.recently_forgotten.since(
        sender, started
    ):  # the person left while we answered
        await forget(rasa, sender)
    return ChatResponse(
        session=body.session,
        replies=[
            ReplyOut(
                text=r.text,
                buttons=[ButtonOut(title=b.title, payload=b.payload) for b in r.buttons],
            )
            for r in replies
        ],
    )


@router.delete("/{session}", status_code=204)
async def forget_chat(
    session: Annotated[str, Path(pattern=SESSION_PATTERN)], request: Request, settings: SettingsDep
) -> Response:
    # 204 whether or not it existed: the answer never tells anyone a session was used
    sender = pseudonym(settings.pseudonym_key, WEB, session)
    request.app.state.recently_forgotten.add(sender)
    await forget(request.app.state.rasa, sender)
    return Response(status_code=204)
