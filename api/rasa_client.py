"""The gateway's only way to Rasa: the project's gateway channel, over loopback HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

CHANNEL_PATH = "/webhooks/gateway"


class RasaUnavailable(Exception):
    """Rasa is down, slow, failed, or said nothing: the caller answers with safety text."""


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[Button] = field(default_factory=list)


class RasaClient:
    def __init__(self, base_url: str, timeout: float, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + CHANNEL_PATH,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)),
            headers=headers,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )

    async def send(self, sender: str, text: str, channel: str) -> list[Reply]:
        body = {"sender": sender, "message": text, "metadata": {"channel": channel}}
        try:
            response = await self._http.post("/webhook", json=body)
            response.raise_for_status()
            messages = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(type(error).__name__) from error
        replies = [_reply(m) for m in messages if isinstance(m, dict) and m.get("text")]
        if not replies:
            raise RasaUnavailable("no reply")
        return replies

    async def forget(self, sender: str) -> None:
        try:
            response = await self._http.delete(f"/conversations/{sender}")
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise RasaUnavailable(type(error).__name__) from error

    async def has_conversation(self, sender: str) -> bool:
        try:
            response = await self._http.get(f"/conversations/{sender}")
            response.raise_for_status()
            return bool(response.json().get("exists"))
        except (httpx.HTTPError, ValueError) as error:
            raise RasaUnavailable(type(error).__name__) from error

    async def healthy(self) -> bool:
        try:
            response = await self._http.get("/", timeout=2.0)
            return response.status_code == 200
        except httpx.HTTPError:
            return False

    async def aclose(self) -> None:
        await self._http.aclose()


def _reply(message: dict) -> Reply:
    buttons = [
        Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
        for b in message.get("buttons") or []
        if isinstance(b, dict)
    ]
    return Reply(text=str(message["text"]), buttons=buttons)
