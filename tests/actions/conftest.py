"""Action tests: real actions, a CollectingDispatcher, trackers built here, a fake directory."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as actions_module
from actions.directory_client import DirectoryUnavailable, PhoneNumber, ServiceSummary

HELPLINE = ServiceSummary(
    id="a1",
    record_id="national_domestic_abuse_helpline",
    name="National Domestic Abuse Helpline",
    description="Free, confidential support for women.",
    phones=(PhoneNumber("0808 2000 247", "24/7 helpline"),),
    text_contact=None,
    website="https://www.nationaldahelpline.org.uk",
    email=None,
    web_chat=None,
    hours="24/7",
    is_24_7=True,
    open_now=True,
    next_open=None,
    area="UK",
    kind="national",
    confidence="high",
    last_verified=date(2026, 11, 25),
    has_gaps=False,
    how_to_reach=None,
    eligibility=("women_only",),
)
LOCAL_NO_PHONE = replace(
    HELPLINE,
    id="a2",
    record_id="angelou_partnership",
    name="Angelou Partnership",
    phones=(),
    website=None,
    is_24_7=False,
    open_now=None,
    hours=None,
    kind="local",
    has_gaps=True,
    how_to_reach="Ask your council's domestic abuse team to refer you.",
)
EMERGENCY = replace(
    HELPLINE,
    id="a0",
    record_id="emergency_999_silent_solution",
    name="Emergency 999",
    phones=(PhoneNumber("999", None),),
    kind="emergency",
    eligibility=(),
)
# the 24/7 lines chosen for who is at risk: each with its own number, so a test can tell them
SAMARITANS = replace(
    HELPLINE,
    id="s",
    record_id="samaritans",
    name="Samaritans",
    phones=(PhoneNumber("116 123", None),),
    eligibility=(),
)
CHILDLINE = replace(
    HELPLINE, id="c", record_id="childline", name="Childline (NSPCC)", eligibility=("age_limited",)
)
# a line for men, not open day and night
MENS_LINE = replace(
    HELPLINE,
    id="m",
    record_id="mens_advice_line",
    name="Men's Advice Line",
    phones=(PhoneNumber("0808 000 0002", None),),
    is_24_7=False,
    eligibility=("men",),
)


@dataclass
class FakeDirectory:
    services: list[ServiceSummary] = field(default_factory=lambda: [LOCAL_NO_PHONE, HELPLINE])
    fail: bool = False
    calls: list[dict[str, Any]] = field(default_factory=list)

    async def find_services(self, **filters: Any) -> list[ServiceSummary]:
        self.calls.append(filters)
        if self.fail:
            raise DirectoryUnavailable("down")
        return self.services

    async def get_service(self, record_id: str) -> ServiceSummary | None:
        if self.fail:
            raise DirectoryUnavailable("down")
        known = [*self.services, SAMARITANS, CHILDLINE, MENS_LINE]
        return next((s for s in known if s.record_id == record_id), None)


@pytest.fixture
def directory(monkeypatch) -> FakeDirectory:
    fake = FakeDirectory()
    monkeypatch.setattr(actions_module, "directory", lambda: fake)
    return fake


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def make_tracker(channel: str = "web", **slots: Any) -> Tracker:
    return Tracker(
        sender_id="web-test",
        slots=slots,
        latest_message={"text": "who can help", "intent": {"name": "find_service"}},
        events=[{"event": "user", "text": "who can help", "input_channel": channel}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
