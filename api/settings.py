"""All gateway configuration, read once from the environment (or a .env file)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    # Second, loopback-only listener for the action server's directory calls: it carries
    # none of the public limits, so internal calls never queue behind public requests.
    internal_port: int = 8001
    # Loopback by default. In containers the action server runs elsewhere: bind the pod's
    # address and let the network policy admit only the action servers.
    internal_host: str = "127.0.0.1"
    public_base_url: str = "http://127.0.0.1:8000"

    # No token: the SMS webhook refuses every request.
    twilio_auth_token: str | None = None
    # No key: a random one per process, so pseudonyms cannot be linked across restarts.
    # Set it when several gateways must map a phone number to the same conversation.
    pseudonym_key: str = Field(default_factory=lambda: secrets.token_hex(32))
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'directory.sqlite3'}"
    redis_url: str | None = None
    # No token: directory writes are off.
    admin_token: str | None = None
    # One URL, or several comma-separated: Rasa replicas sharing a Redis tracker store; each
    # conversation goes to its own replica, and to the next when that one is down.
    rasa_url: str = "http://127.0.0.1:5005"
    # The action servers (comma-separated when several); the gateway only checks their health.
    actions_url: str = "http://127.0.0.1:5055"
    # Shared with Rasa's gateway channel (same variable): required on its webhook when set.
    gateway_channel_token: str | None = None

    # Per call to Rasa; and the most a person waits for an answer, failovers included.
    # Both well under Twilio's 15 s webhook budget.
    rasa_timeout_seconds: float = 8.0
    reply_budget_seconds: float = 10.0
    # Kept-alive connections to each Rasa replica; more messages wait their turn in the
    # gateway (api/rasa_client.py says why a few are enough).
    rasa_connections_per_replica: int = Field(default=4, ge=1, le=256)
    # SMS words the gateway answers itself (case does not matter). The forget word deletes
    # the conversation; the cover word, for when someone is watching, gets an innocuous
    # reply and ends the conversation.
    sms_forget_word: str = "FORGET"
    sms_cover_word: str = "RECIPE"
    sms_cover_reply: str = (
        "Thanks for joining Quick Recipes. Tip of the day: rinse rice until the water runs "
        "clear for fluffier rice."
    )

    # Public limits, applied before Rasa is called (per gateway process).
    max_body_bytes: int = 16_384
    messages_per_minute_per_conversation: int = 20
    messages_per_minute_per_ip: int = 60
    new_conversations_per_hour_per_ip: int = 30

    # Directory answers kept in the gateway (api/directory_cache.py): at most this many
    # seconds and never into the next minute, so `open_now` is never staler than this (and,
    # hours being whole minutes, not stale at all); edits (API or CLI) are seen at once. 0: off.
    directory_cache_seconds: float = Field(default=30.0, ge=0, le=60)

    # Where the web chat's quick exit sends the browser.
    exit_url: str = "https://www.bbc.co.uk/weather"

    @field_validator("rasa_url", "actions_url")
    @classmethod
    def _at_least_one_url(cls, value: str) -> str:
        if not url_list(value):
            raise ValueError("needs at least one URL")
        return value

    @property
    def rasa_urls(self) -> list[str]:
        return url_list(self.rasa_url)

    @property
    def actions_urls(self) -> list[str]:
        return url_list(self.actions_url)


def url_list(value: str) -> list[str]:
    """`a, b,` -> [a, b]: a comma-separated variable as its URLs."""
    return [url.strip().rstrip("/") for url in value.split(",") if url.strip()]


@lru_cache
def get_settings() -> Settings:
    return Settings()
