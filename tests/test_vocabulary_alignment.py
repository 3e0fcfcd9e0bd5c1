"""The bot's entity values are the directory's filter values: a slot the bot fills can always
be sent to GET /services without a 422 (which would turn a signpost into a fallback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services_directory import areas, taxonomy

PATTERNS = Path(__file__).resolve().parents[1] / "data" / "spacy" / "patterns.jsonl"
DIRECTORY_VALUES = {
    "abuse_type": set(taxonomy.ABUSE_TYPE.terms),
    "audience": set(taxonomy.AUDIENCE.terms),
    "borough": {areas.WESTMINSTER, areas.KENSINGTON_CHELSEA},
}


def pattern_ids(label: str) -> set[str]:
    rows = (json.loads(line) for line in PATTERNS.read_text().splitlines() if line.strip())
    return {row["id"] for row in rows if row["label"] == label}


@pytest.mark.parametrize("label", sorted(DIRECTORY_VALUES))
def test_every_pattern_value_is_a_directory_filter_value(label):
    assert pattern_ids(label) - DIRECTORY_VALUES[label] == set()


def test_every_eligibility_the_bot_sets_is_a_directory_eligibility():
    import yaml

    core = yaml.safe_load((PATTERNS.parents[2] / "bot" / "domain" / "core.yml").read_text())
    values = {m["value"] for m in core["slots"]["eligibility"]["mappings"]}
    assert values and values <= set(taxonomy.ELIGIBILITY.terms)


def test_every_service_named_in_the_patterns_is_a_seed_record():
    """The action looks a named service up by its record id: a renamed record would
    silently drop the service it names."""
    from services_directory import facts

    records, _ = facts.read_facts()
    named = pattern_ids("service")
    assert named and named <= {record.slug for record in records}
