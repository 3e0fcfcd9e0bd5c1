"""Gateway unit tests: the real app with a fake Rasa neighbour and an empty SQLite directory."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from api.main import create_app
from api.rasa_client import RasaUnavailable, Reply
from api.settings import Settings

TWILIO_TOKEN = "unit-test-twilio-token"


@dataclass
class FakeRasa:
    replies: list[Reply] = field(default_factory=lambda: [Reply(text="Hello from the bot")])
    fail: bool = False
    delay: float = 0.0
    sent: list[tuple[str, str, str]] = field(default_factory=list)
    forgotten: list[str] = field(default_factory=list)
    known: set[str] = field(default_factory=set)

    async def send(self, sender: str, text: str, channel: str) -> list[Reply]:
        self.sent.append((sender, text, channel))
        await asyncio.sleep(self.delay)
        if self.fail:
            raise RasaUnavailable("down")
        self.known.add(sender)
        return self.replies

    async def has_conversation(self, sender: str) -> bool:
        if self.fail:
            raise RasaUnavailable("down")
        return sender in self.known

    async def forget(self, sender: str) -> None:
        self.forgotten.append(sender)
        self.known.discard(sender)

    async def healthy(self) -> bool:
        return not self.fail

    async def health(self) -> dict[str, bool]:
        return {"rasa": not self.fail}

    async def aclose(self) -> None:
        pass


@pytest.fixture
def fake_rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def settings() -> Settings:
    return Settings(
        twilio_auth_token=TWILIO_TOKEN,
        pseudonym_key="unit-test-key",
        public_base_url="https://chat.example.org",
        _env_file=None,
    )


@pytest.fixture
def client(fake_rasa: FakeRasa, settings: Settings):
    sessions = sessionmaker(create_engine("sqlite://"))
    app = create_app(settings, sessions)
    app.state.rasa = fake_rasa
    with TestClient(app) as test_client:
        yield test_client
