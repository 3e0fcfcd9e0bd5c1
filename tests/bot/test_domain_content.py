"""Content rules every response must keep (Rasa environment)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from api.safety import SAFETY_MESSAGE
from api.text import is_gsm7, sms_segments

ROOT = Path(__file__).resolve().parents[2]
LOCK_SCREEN_WORDS = ("abuse", "refuge", "violence", "rape", "domestic")


def responses() -> dict[str, list[dict]]:
    merged: dict[str, list[dict]] = {}
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        merged.update(yaml.safe_load(path.read_text()).get("responses") or {})
    return merged


SMS_VARIANTS = [
    (name, variant["text"])
    for name, variants in responses().items()
    for variant in variants
    if variant.get("channel") == "sms"
]


@pytest.mark.parametrize("name, text", SMS_VARIANTS)
def test_sms_variants_are_gsm7_and_at_most_two_segments(name, text):
    assert is_gsm7(text), name
    assert sms_segments(text) <= 2, name


@pytest.mark.parametrize("name, text", SMS_VARIANTS)
def test_sms_variants_have_a_lock_screen_safe_opening(name, text):
    opening = text[:40].lower()
    assert not [w for w in LOCK_SCREEN_WORDS if w in opening], name


def test_every_response_has_a_web_and_an_sms_variant():
    missing = [
        name
        for name, variants in responses().items()
        if name != "utter_safety_fallback"  # the gateway's fixed message, the same everywhere
        and not any(v.get("channel") == "sms" for v in variants)
    ]
    assert missing == []


def test_the_domains_safety_fallback_is_the_gateways_fixed_message():
    assert [v["text"] for v in responses()["utter_safety_fallback"]] == [SAFETY_MESSAGE]
