"""Web chat API: one message in, the bot's replies out; and forgetting on quick exit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel, Field

from api.conversation import converse, forget
from api.deps import SettingsDep
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


@router.post("", response_model=ChatResponse)
async def chat(body: ChatRequest, request: Request, settings: SettingsDep) -> ChatResponse:
    sender = pseudonym(settings.pseudonym_key, WEB, body.session)
    text = clean_user_text(body.message) or "?"
    replies = await converse(request.app.state.rasa, sender, text, WEB)
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
    await forget(request.app.state.rasa, pseudonym(settings.pseudonym_key, WEB, session))
    return Response(status_code=204)
