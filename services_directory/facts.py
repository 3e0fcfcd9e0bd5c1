"""Read the project's facts YAML (and its hand-made classification) into service records."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml
from pydantic import ValidationError

from services_directory.records import (
    Hours,
    Phone,
    Problem,
    ServiceRecord,
    is_uk_phone,
    parse,
)

SEED_DIR = Path(__file__).resolve().parent / "seed"
SEED_FACTS = SEED_DIR / "services_facts.yaml"
SEED_CLASSIFICATION = SEED_DIR / "classification.yaml"
# The facts file's header says when its facts were collected from their sources.
_COLLECTED_ON = re.compile(r"collected \((\d{4}-\d{2}-\d{2})\)")
_FACTS_KEYS = {
    "id",
    "name",
    "kind",
    "serves",
    "abuse_types",
    "phone",
    "text",
    "email",
    "webchat",
    "website",
    "hours",
    "languages",
    "area",
    "sources",
    "confidence",
    "notes",
    "last_verified",
}
_CLASSIFICATION_KEYS = {
    "focus",
    "audiences",
    "eligibility",
    "minimum_age",
    "maximum_age",
    "channels",
    "areas",
    "languages",
    "interpretation",
    "phone_for",
    "extra_phones",
    "how_to_reach",
    "hours_read_from",
    "open_24_7",
    "weekly",
}
_ALL_WEEK = Hours(
    days=["MO", "TU", "WE", "TH", "FR", "SA", "SU"], opens_at="00:00", closes_at="23:59"
)


class FactsFileError(ValueError):
    """The file is not a facts file at all (not YAML, or not a list of records)."""


def _load_yaml(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise FactsFileError(f"{path}: not valid YAML: {error}") from error


def collected_on(text: str) -> date | None:
    found = _COLLECTED_ON.search(text)
    return date.fromisoformat(found.group(1)) if found else None


def _description(serves: list[str]) -> str | None:
    text = "; ".join(item.strip() for item in serves or [] if item and item.strip())
    return text[:1].upper() + text[1:] if text else None


def _hours(slug: str, facts_hours: str, entry: dict) -> tuple[list[Hours], list[Problem]]:
    if "hours_read_from" not in entry:
        return [], []
    if entry["hours_read_from"] != facts_hours:
        return [], [
            Problem(
                slug,
                "hours",
                "the hours text changed since its structured hours were"
                " written: update hours_read_from and the hours in the classification",
            )
        ]
    if entry.get("open_24_7"):
        return [_ALL_WEEK], []
    return [Hours.model_validate(rule) for rule in entry.get("weekly", [])], []


def _phones(facts: dict, entry: dict) -> tuple[list[Phone], list[Problem]]:
    slug = facts["id"]
    phones = []
    if facts.get("phone"):
        phones.append(Phone(number=facts["phone"], description=entry.get("phone_for")))
    text = (facts.get("text") or "").strip()
    if text and is_uk_phone(text):  # a bare number in `text` is an SMS number
        phones.append(Phone(number=text, type="text", description="Text message (SMS)"))
    problems = []
    record_text = " ".join(str(facts.get(key) or "") for key in ("hours", "notes", "area", "text"))
    for extra in entry.get("extra_phones", []):
        # Only numbers the record itself gives: a number can never come from anywhere else.
        if extra["number"] not in record_text:
            problems.append(
                Problem(slug, "extra_phones", f"{extra['number']} is not in the record")
            )
        phones.append(Phone(number=extra["number"], description=extra.get("for")))
    return phones, problems


def record_from_facts(facts: dict, entry: dict, checked_on: date | None):
    """One facts record plus its classification entry -> (record or None, problems)."""
    slug = str(facts.get("id") or "")
    unknown = sorted(set(facts) - _FACTS_KEYS) + sorted(set(entry) - _CLASSIFICATION_KEYS)
    problems = [Problem(slug, key, "unknown field") for key in unknown]
    phones, phone_problems = _phones(facts, entry)
    rules, hours_problems = _hours(slug, str(facts.get("hours") or ""), entry)
    raw = {
        "slug": slug,
        "name": facts.get("name"),
        "description": _description(facts.get("serves")),
        "url": facts.get("website"),
        "email": facts.get("email"),
        "kind": facts.get("kind"),
        "focus": entry.get("focus"),
        "confidence": facts.get("confidence"),
        "abuse_types": facts.get("abuse_types") or [],
        "audiences": entry.get("audiences", []),
        "eligibility": entry.get("eligibility", []),
        "channels": entry.get("channels", []),
        "areas": entry.get("areas", []),
        "languages": entry.get("languages", []),
        "minimum_age": entry.get("minimum_age"),
        "maximum_age": entry.get("maximum_age"),
        "phones": phones,
        "hours": rules,
        "hours_text": facts.get("hours"),
        "area_text": facts.get("area"),
        "languages_text": facts.get("languages"),
        "interpretation": entry.get("interpretation"),
        "text_contact": facts.get("text"),
        "online_contact": facts.get("webchat"),
        "how_to_reach": entry.get("how_to_reach"),
        "notes": facts.get("notes"),
        "sources": facts.get("sources") or [],
        "last_verified": facts.get("last_verified") or checked_on,
    }
    record, record_problems = parse(raw, slug or "(record without id)")
    return record, problems + phone_problems + hours_problems + record_problems


def read_facts(
    facts_path: Path = SEED_FACTS, classification_path: Path = SEED_CLASSIFICATION
) -> tuple[list[ServiceRecord], list[Problem]]:
    """All records of a facts file, and every problem found (an empty list means clean)."""
    facts_list = _load_yaml(facts_path)
    classification = _load_yaml(classification_path) or {}
    if not isinstance(facts_list, list) or not all(isinstance(item, dict) for item in facts_list):
        raise FactsFileError(f"{facts_path}: expected a YAML list of service records")
    checked_on = collected_on(facts_path.read_text(encoding="utf-8"))
    records, problems = [], []
    for position, facts in enumerate(facts_list, start=1):
        slug = str(facts.get("id") or f"record {position}")
        entry = classification.get(slug)
        if entry is None:
            problems.append(
                Problem(slug, "classification", f"no entry in {classification_path.name}")
            )
            continue
        try:
            record, found = record_from_facts(facts, entry, checked_on)
        except (AttributeError, KeyError, TypeError, ValidationError) as error:
            # A hand edit gone wrong (a missing key, a list where a mapping belongs).
            record, found = None, [Problem(slug, "classification", f"malformed: {error!r}")]
        problems += found
        if record is not None:
            records.append(record)
    return records, problems
