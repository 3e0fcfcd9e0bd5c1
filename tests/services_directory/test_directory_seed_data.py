"""The seed: the project's copy of the facts, read into records without losing or adding facts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from services_directory import facts, models, oruk
from services_directory.records import is_uk_phone

PACKAGE = Path(facts.__file__).resolve().parent
RAW = yaml.safe_load(facts.SEED_FACTS.read_text(encoding="utf-8"))
RECORDS, PROBLEMS = facts.read_facts()
BY_SLUG = {record.slug: record for record in RECORDS}
RAW_BY_SLUG = {item["id"]: item for item in RAW}


def test_every_record_reads_cleanly():
    assert PROBLEMS == []
    assert len(RECORDS) == len(RAW) == 39
    assert sorted(BY_SLUG) == sorted(RAW_BY_SLUG)


def test_the_copy_keeps_its_header_and_says_where_it_came_from():
    text = facts.SEED_FACTS.read_text(encoding="utf-8")
    assert text.startswith("# Project copy of shared/data/services_facts.yaml")
    assert "WARNING: RESEARCH DRAFT, NOT VERIFIED FOR PRODUCTION." in text


def test_the_project_never_reads_the_shared_folder():
    for path in PACKAGE.rglob("*.py"):
        assert "/work/shared" not in path.read_text(encoding="utf-8"), path


@pytest.mark.parametrize("slug", sorted(RAW_BY_SLUG))
def test_contact_facts_are_carried_exactly(slug):
    raw, record = RAW_BY_SLUG[slug], BY_SLUG[slug]
    numbers = [phone.number for phone in record.phones]
    if raw["phone"]:
        assert numbers[0] == raw["phone"]  # as written, spaces and all
    else:
        assert all(phone.type != "voice" for phone in record.phones)
    for phone in record.phones:  # every number is one the record itself gives
        assert phone.number in " ".join(str(raw[key]) for key in raw), phone.number
        assert is_uk_phone(phone.number)
    assert record.url == (raw["website"] or None)
    assert record.email == (raw["email"] or None)
    assert record.sources == raw["sources"]
    assert record.confidence == raw["confidence"]
    assert record.notes == raw["notes"].strip()
    assert record.hours_text == (raw["hours"] or None)
    assert record.has_gap == ("GAP" in raw["notes"])


def test_a_missing_phone_stays_missing():
    for slug in ("angelou_partnership", "hourglass", "ask_for_ani", "al_hasaniya"):
        assert BY_SLUG[slug].phones == []
    assert BY_SLUG["ask_for_ani"].how_to_reach.startswith("In person")


def test_records_are_last_verified_on_the_research_date():
    assert {record.last_verified.isoformat() for record in RECORDS} == {"2026-11-25"}


def test_structured_hours_only_where_the_text_is_clear():
    unstructured = {record.slug for record in RECORDS if not record.hours}
    # CONFLICT, cut-off or vague texts, and a line that may have closed: open-now stays unknown.
    for slug in (
        "mens_advice_line",
        "galop_helpline",
        "respect_phoneline",
        "victim_support",
        "hourglass",
        "nspcc_fgm_helpline",
        "shelter_helpline",
        "soho_angels",
    ):
        assert slug in unstructured
    assert [rule.days for rule in BY_SLUG["karma_nirvana"].hours] == [
        ["MO", "TU", "WE", "TH", "FR"],
        ["SA", "SU"],
    ]


def test_changed_hours_text_is_refused_until_the_classification_is_updated():
    raw = dict(RAW_BY_SLUG["karma_nirvana"], hours="9am-5pm weekdays")
    classification = yaml.safe_load(facts.SEED_CLASSIFICATION.read_text(encoding="utf-8"))
    record, problems = facts.record_from_facts(raw, classification["karma_nirvana"], None)
    assert [(p.record, p.field) for p in problems] == [("karma_nirvana", "hours")]


def test_an_extra_phone_must_come_from_the_record():
    raw = RAW_BY_SLUG["forced_marriage_unit"]
    entry = {
        "focus": "specialist",
        "areas": ["uk"],
        "channels": ["phone"],
        "extra_phones": [{"number": "020 7946 0000", "for": "invented"}],
    }
    _, problems = facts.record_from_facts(raw, entry, None)
    assert [(p.field, p.message) for p in problems] == [
        ("extra_phones", "020 7946 0000 is not in the record")
    ]


def test_no_table_can_hold_an_address():
    columns = {
        column.name for table in models.Base.metadata.tables.values() for column in table.columns
    }
    assert not columns & {"address_1", "postal_code", "latitude", "longitude", "city"}
    assert "location" not in models.Base.metadata.tables


def _keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


def test_export_never_carries_a_location():
    for record in RECORDS:
        keys = _keys(oruk.to_oruk(record))
        assert not {key for key in keys if "address" in key or "location" in key}
