"""One service record as the importers, the store and the exporter exchange it, and its checks.

Both importers (facts YAML, ORUK JSON) turn their input into `ServiceRecord`s, `check`
lists every problem with the record and field it is in, and only a clean batch is stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services_directory import areas, hours, taxonomy

STATUSES = ("active", "inactive", "defunct", "temporarily closed")
SLUG = re.compile(r"^[a-z0-9][a-z0-9_]*$")
# UK numbers as people dial them: 11 digits from 0 (10 for some 0800 numbers, 8 for 0800 1111),
# +44 and 9 or 10 digits, or a short code (999, 112, 101, 111, 116 xxx).
UK_PHONE = re.compile(r"^(0\d{9,10}|08001111|\+44\d{9,10}|999|112|101|111|116\d{3})$")
PHONE_CHARACTERS = re.compile(r"^\+?[\d ]+$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", re.IGNORECASE)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def is_uk_phone(number: str) -> bool:
    return bool(PHONE_CHARACTERS.match(number)) and bool(UK_PHONE.match(number.replace(" ", "")))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Phone(_Strict):
    number: str
    type: Literal["voice", "text"] = "voice"
    description: str | None = None


class Hours(_Strict):
    days: list[str]
    opens_at: str
    closes_at: str

    def rule(self) -> hours.WeeklyHours:
        return hours.WeeklyHours(tuple(self.days), self.opens_at, self.closes_at)


class Organization(_Strict):
    id: str
    name: str
    description: str = ""
    website: str | None = None
    email: str | None = None


class ServiceRecord(_Strict):
    slug: str
    id: str | None = None  # None: the stable uuid5 of the slug
    name: str
    description: str | None = None
    status: str = "active"
    url: str | None = None
    email: str | None = None
    kind: str
    focus: str
    confidence: str
    abuse_types: list[str] = Field(default_factory=list)
    audiences: list[str] = Field(default_factory=list)
    eligibility: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list)
    areas: list[str] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=list)
    minimum_age: int | None = None
    maximum_age: int | None = None
    phones: list[Phone] = Field(default_factory=list)
    hours: list[Hours] = Field(default_factory=list)
    hours_text: str | None = None
    area_text: str | None = None
    languages_text: str | None = None
    interpretation: str | None = None
    text_contact: str | None = None
    online_contact: str | None = None
    how_to_reach: str | None = None  # a note for records without a phone
    notes: str | None = None
    sources: list[str] = Field(default_factory=list)
    last_verified: date | None = None
    organization: Organization | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: object) -> object:
        # The facts file writes a missing value as "": a gap stays a gap, never "".
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @property
    def service_id(self) -> str:
        return self.id or taxonomy.service_id_for(self.slug)

    @property
    def has_gap(self) -> bool:
        return "GAP" in (self.notes or "")

    @property
    def has_conflict(self) -> bool:
        return "CONFLICT" in (self.notes or "") or "CONFLICT" in (self.hours_text or "")


@dataclass(frozen=True)
class Problem:
    record: str  # the record's slug, or its position when it has none
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.record}: {self.field}: {self.message}"


def parse(raw: dict, label: str) -> tuple[ServiceRecord | None, list[Problem]]:
    """Build a record from plain data; problems name the record and the field."""
    try:
        record = ServiceRecord.model_validate(raw)
    except ValidationError as error:
        return None, [
            Problem(label, ".".join(str(part) for part in issue["loc"]) or "(record)", issue["msg"])
            for issue in error.errors()
        ]
    return record, check(record)


def _unknown(field: str, values: list[str], allowed) -> list[tuple[str, str]]:
    return [(field, f"unknown code {value!r}") for value in values if value not in allowed]


def check(record: ServiceRecord) -> list[Problem]:
    """Every rule a stored record must meet: formats, vocabularies, and consistency."""
    found: list[tuple[str, str]] = []
    if not SLUG.match(record.slug):
        found.append(("slug", "use lower-case letters, digits and underscores"))
    if record.status not in STATUSES:
        found.append(("status", f"must be one of {', '.join(STATUSES)}"))
    for name, tax in taxonomy.CODE_FIELDS.items():
        found += _unknown(name, [getattr(record, name)], tax.terms)
    for name, tax in taxonomy.LIST_FIELDS.items():
        found += _unknown(name, getattr(record, name), tax.terms)
    found += _unknown("areas", record.areas, areas.AREAS)
    found += _unknown("languages", record.languages, taxonomy.LANGUAGES)
    if not record.areas:
        found.append(("areas", "at least one service area is required"))
    for index, phone in enumerate(record.phones):
        if not is_uk_phone(phone.number):
            found.append((f"phones.{index}.number", f"not a UK phone number: {phone.number!r}"))
    for field in ("url", "email"):
        value = getattr(record, field)
        pattern = URL if field == "url" else EMAIL
        if value is not None and not pattern.match(value):
            found.append((field, f"not a valid {field}: {value!r}"))
    for index, source in enumerate(record.sources):
        if not URL.match(source):
            found.append((f"sources.{index}", f"not a URL: {source!r}"))
    for index, rule in enumerate(record.hours):
        where = f"hours.{index}"
        found += _unknown(f"{where}.days", rule.days, hours.DAYS)
        if not rule.days:
            found.append((f"{where}.days", "at least one day is required"))
        for field in ("opens_at", "closes_at"):
            if not hours.is_hh_mm(getattr(rule, field)):
                found.append((f"{where}.{field}", "use HH:MM, 24-hour clock"))
        if rule.opens_at == rule.closes_at:
            found.append((where, "opens and closes at the same time"))
    for age_field in ("minimum_age", "maximum_age"):
        age = getattr(record, age_field)
        if age is not None and not 0 <= age <= 120:
            found.append((age_field, "must be between 0 and 120"))
    if (record.minimum_age is not None or record.maximum_age is not None) and (
        "age_limited" not in record.eligibility
    ):
        found.append(("eligibility", "age limits are set: add age_limited"))
    # A channel needs the contact detail that makes it usable.
    needs = {
        "phone": record.phones,
        "email": record.email,
        "web_chat": record.online_contact,
        "text": record.text_contact,
    }
    for channel, detail in needs.items():
        if channel in record.channels and not detail:
            found.append(
                ("channels", f"{channel} is listed but the record has no {channel} detail")
            )
    if any(phone.type == "voice" for phone in record.phones) and "phone" not in record.channels:
        found.append(("channels", "the record has a phone number: add phone"))
    return [Problem(record.slug, field, message) for field, message in found]
