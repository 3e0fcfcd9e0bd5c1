"""Content rules every response must keep (Rasa environment)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from api.safety import SAFETY_MESSAGE
from api.text import is_gsm7, sms_segments

ROOT = Path(__file__).resolve().parents[2]
# Words that must not show in the first 40 characters of a text (what a lock screen shows).
LOCK_SCREEN_WORDS = (
    "abuse", "abusive", "refuge", "violence", "violent", "rape", "domestic", "assault",
    "sexual", "stalk", "fgm", "mutilation", "traffick", "harass", "exploit", "slavery",
    "coercive", "honour", "kill", "suicid", "vawg",
)  # fmt: skip
# The gateway sends one SMS per turn of at most this many segments, choices included.
GATEWAY_MAX_SEGMENTS = 3
SAFETY_FALLBACK = "utter_safety_fallback"  # the gateway's fixed message: the one exception


def domain_files() -> list[dict]:
    return [yaml.safe_load(p.read_text()) for p in sorted((ROOT / "bot" / "domain").glob("*.yml"))]


def responses() -> dict[str, list[dict]]:
    merged: dict[str, list[dict]] = {}
    for domain in domain_files():
        merged.update(domain.get("responses") or {})
    return merged


def intents() -> set[str]:
    return {i for d in domain_files() for i in d.get("intents") or []}


ALL_VARIANTS = [(name, v) for name, variants in responses().items() for v in variants]
SMS_VARIANTS = [(name, v["text"]) for name, v in ALL_VARIANTS if v.get("channel") == "sms"]
SMS_WITH_BUTTONS = [(name, v) for name, v in ALL_VARIANTS if v.get("channel") == "sms"]
ALL_TEXTS = [(name, v["text"]) for name, v in ALL_VARIANTS]


@pytest.mark.parametrize("name, text", SMS_VARIANTS)
def test_sms_variants_are_gsm7_and_at_most_two_segments(name, text):
    assert is_gsm7(text), name
    assert sms_segments(text) <= 2, name


@pytest.mark.parametrize("name, text", SMS_VARIANTS)
def test_sms_variants_have_a_lock_screen_safe_opening(name, text):
    opening = text[:40].lower()
    assert not [w for w in LOCK_SCREEN_WORDS if w in opening], name


def choices_line(buttons: list[dict]) -> str:  # as api/sms_render.py shows buttons
    return "Reply " + ", ".join(f"{i} for {b['title']}" for i, b in enumerate(buttons, 1))


@pytest.mark.parametrize("name, variant", SMS_WITH_BUTTONS)
def test_sms_variants_with_their_choices_fit_the_gateways_one_message(name, variant):
    buttons = variant.get("buttons") or []
    body = variant["text"] + ("\n\n" + choices_line(buttons) if buttons else "")
    assert is_gsm7(body), name
    assert sms_segments(body) <= GATEWAY_MAX_SEGMENTS, name


def test_every_response_has_a_web_and_an_sms_variant():
    missing = [
        name
        for name, variants in responses().items()
        if name != SAFETY_FALLBACK  # the gateway's fixed message, the same everywhere
        and not (
            any(v.get("channel") == "sms" for v in variants)
            and any(v.get("channel") is None for v in variants)
        )
    ]
    assert missing == []


def test_every_conditional_web_variant_has_an_sms_twin_with_the_same_condition():
    def conditions(variants: list[dict], channel: str | None) -> set[str]:
        return {
            yaml.safe_dump(v["condition"])
            for v in variants
            if "condition" in v and v.get("channel") == channel
        }

    missing = []
    for name, variants in responses().items():
        missing += [(name, c) for c in conditions(variants, None) ^ conditions(variants, "sms")]
    assert missing == []


def test_the_domains_safety_fallback_is_the_gateways_fixed_message():
    assert [v["text"] for v in responses()[SAFETY_FALLBACK]] == [SAFETY_MESSAGE]


@pytest.mark.parametrize("variant", responses()["utter_emergency"], ids=["web", "sms"])
def test_the_danger_answer_gives_999_and_the_silent_solution(variant):
    assert "999" in variant["text"] and "55" in variant["text"]


# -- contact details come from the directory, never from the domain -------------------------

# Digits that look like a phone number: 5 or more digits in one run (spaces allowed inside),
# or one of the UK's short service numbers. 999 and 55 are the only numbers a response may give.
_NUMBER = re.compile(r"(?<![\d,.])\+?\d[\d ]*\d(?![\d,.%])")
_SHORT_SERVICE_NUMBERS = {"101", "105", "111", "112", "119", "116123", "116111", "116000"}
_URL_OR_EMAIL = re.compile(r"https?://|www\.|\.(org|com|co|gov|net)\b|\.uk\b|@", re.IGNORECASE)
_OPENING_HOURS = re.compile(
    r"\b\d{1,2}(:\d\d)?\s?(am|pm)\b|\b24/7\b|24 hours|open (day and night|now|until|from)"
    r"|\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*day\b",
    re.IGNORECASE,
)


def phone_like_numbers(text: str) -> list[str]:
    found = []
    for match in _NUMBER.finditer(text):
        digits = match.group().replace(" ", "").lstrip("+")
        if len(digits) >= 5 or digits in _SHORT_SERVICE_NUMBERS:
            found.append(match.group())
    return found


def test_the_number_check_catches_phone_numbers_and_spares_figures():
    assert phone_like_numbers("Call 0808 2000 247 now") == ["0808 2000 247"]
    assert phone_like_numbers("Samaritans: 116 123") == ["116 123"]
    assert phone_like_numbers("ring 101 or +44 20 7946 0000") == ["101", "+44 20 7946 0000"]
    assert phone_like_numbers("call 999, press 55, since 2015; 27,593 women; 1 in 3") == []


@pytest.mark.parametrize("name, text", [(n, t) for n, t in ALL_TEXTS if n != SAFETY_FALLBACK])
def test_no_response_types_a_phone_number_address_or_link(name, text):
    assert phone_like_numbers(text) == [], name
    assert not _URL_OR_EMAIL.search(text), name


# Organisations a response may name: each must be a record of the services directory, and a
# response that names one gives no contact details or opening hours (the directory does, via
# action_find_service). Names to look for in the responses, with the words that find the
# record in the directory's seed.
ORGANISATIONS = {
    "Respect": "Respect",
    "Men's Advice Line": "Men's Advice Line",
    "Childline": "Childline",
    "Galop": "Galop",
    "Hourglass": "Hourglass",
    "SignHealth": "SignHealth",
    "Southall Black Sisters": "Southall Black Sisters",
    "Rahab": "Rahab",
    "Angelou": "Angelou Partnership",
    "Rape Crisis": "Rape Crisis",
}
# Services the directory does not hold (or names the bot should not use): never named.
NOT_IN_DIRECTORY = ("Women's Aid", "Havens", "Citizens Advice", "Mind", "NSPCC", "Refuge")


def test_named_organisations_are_in_the_directory():
    seed = ROOT / "services_directory" / "seed" / "services_facts.yaml"
    if not seed.exists():
        pytest.skip("the directory's seed data is not in this checkout")
    names = "\n".join(
        str(record.get("name", "")) for record in _records(yaml.safe_load(seed.read_text()))
    )
    assert [org for org, key in ORGANISATIONS.items() if key not in names] == []


def _records(data) -> list[dict]:
    if isinstance(data, dict):
        for key in ("services", "records"):
            if isinstance(data.get(key), list):
                return data[key]
        return [v for v in data.values() if isinstance(v, dict)]
    return [r for r in data if isinstance(r, dict)]


@pytest.mark.parametrize(
    "name, text",
    [(n, t) for n, t in ALL_TEXTS if n != SAFETY_FALLBACK and any(o in t for o in ORGANISATIONS)],
)
def test_responses_naming_a_service_leave_contact_details_to_the_directory(name, text):
    assert phone_like_numbers(text) == [], name
    assert not _OPENING_HOURS.search(text), name
    assert not _URL_OR_EMAIL.search(text), name


@pytest.mark.parametrize("name, text", ALL_TEXTS)
def test_no_response_names_a_service_the_directory_does_not_hold(name, text):
    if name == SAFETY_FALLBACK:
        return
    named = [org for org in NOT_IN_DIRECTORY if re.search(rf"\b{re.escape(org)}\b", text)]
    assert named == [], name


# -- buttons ---------------------------------------------------------------------------------


BUTTONS = [(name, b) for name, v in ALL_VARIANTS for b in v.get("buttons") or []]


@pytest.mark.parametrize("name, button", BUTTONS)
def test_buttons_have_short_titles_and_payloads_for_known_intents(name, button):
    assert len(button["title"]) <= 26, (name, button["title"])
    payload = button["payload"]
    assert payload.startswith("/"), name
    assert re.match(r"/(\w+)", payload).group(1) in intents(), (name, payload)


# -- writing -----------------------------------------------------------------------------------

US_SPELLINGS = re.compile(
    r"\b(behaviors?|colors?|favors?|favorite|centers?|organizations?|organize|recognize|"
    r"apologize|neighbors?|counselors?|mom)\b",
    re.IGNORECASE,
)
BLAMING = re.compile(r"\b(why didn't you|why don't you just|you should have|your fault)\b", re.I)


@pytest.mark.parametrize("name, text", ALL_TEXTS)
def test_responses_use_uk_spelling(name, text):
    assert [m.group() for m in US_SPELLINGS.finditer(text)] == [], name


@pytest.mark.parametrize("name, text", ALL_TEXTS)
def test_responses_never_blame(name, text):
    # "it is not your fault" is fine; "your fault" on its own is not. Quoted words (what
    # not to say) are fine too.
    for match in BLAMING.finditer(text):
        if text[max(0, match.start() - 1) : match.start()] in ("'", '"'):
            continue
        before = text[max(0, match.start() - 14) : match.start()].lower()
        assert re.search(r"\b(not|never|none)\b|n't", before), (name, match.group())


ABUSE_TYPE_ANSWERS = ("utter_abuse_type",)


def test_every_form_of_abuse_answer_ends_with_what_to_do_next():
    lacking = []
    for name, variant in ALL_VARIANTS:
        if name in ABUSE_TYPE_ANSWERS and "next" not in variant["text"].lower():
            lacking.append((name, variant.get("condition"), variant.get("channel")))
    assert lacking == []
