"""All gateway configuration, read once from the environment (or a .env file)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    # Second, loopback-only listener for the action server's directory calls: it carries
    # none of the public limits, so internal calls never queue behind public requests.
    internal_port: int = 8001
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
    rasa_url: str = "http://127.0.0.1:5005"
    actions_url: str = "http://127.0.0.1:5055"

    # Per call to Rasa; and the most a person waits for an answer, failovers included.
    # Both well under Twilio's 15 s webhook budget.
    rasa_timeout_seconds: float = 8.0
    reply_budget_seconds: float = 10.0
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

    # Where the web chat's quick exit sends the browser.
    exit_url: str = "https://www.bbc.co.uk/weather"


@lru_cache
def get_settings() -> Settings:
    return Settings()
