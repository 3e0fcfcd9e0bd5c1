from __future__ import annotations

from dataclasses import replace

from actions.actions import ActionFindService, ActionSignpostEmergency, ActionSignpostListeningLine
from api.text import is_gsm7
from tests.actions.conftest import (
    CHILDLINE,
    EMERGENCY,
    HELPLINE,
    LOCAL_NO_PHONE,
    MENS_LINE,
    SAMARITANS,
    make_tracker,
)
from tests.bot.test_domain_content import LOCK_SCREEN_WORDS


async def test_find_service_passes_the_conversation_slots_to_the_directory(directory, dispatcher):
    tracker = make_tracker(abuse_type="stalking", borough="westminster", audience="friend_family")
    await ActionFindService().run(dispatcher, tracker, {})
    call = directory.calls[0]
    assert (call["abuse_type"], call["borough"], call["audience"]) == (
        "stalking",
        "westminster",
        "friend_family",
    )


async def test_with_no_audience_named_the_search_is_for_the_person_asking(directory, dispatcher):
    await ActionFindService().run(dispatcher, make_tracker(), {})
    assert directory.calls[0]["audience"] == "survivor"


async def test_find_service_lists_directory_details_and_says_how_to_reach_a_gap(
    directory, dispatcher
):
    await ActionFindService().run(dispatcher, make_tracker(), {})
    text = dispatcher.messages[0]["text"]
    assert "National Domestic Abuse Helpline" in text and "0808 2000 247" in text
    assert "Angelou Partnership" in text
    assert "Ask your council's domestic abuse team to refer you." in text
    assert "last checked 25 November 2026" in text
    assert "If you are in danger now, call 999." in text.split("\n")[0]


async def test_find_service_by_sms_is_short_gsm7(directory, dispatcher):
    await ActionFindService().run(dispatcher, make_tracker(channel="sms"), {})
    text = dispatcher.messages[0]["text"]
    assert is_gsm7(text) and len(text) < 320
    assert text.startswith("In danger? Call 999.")
    # the services' names ("... Domestic Abuse Helpline") start after what a lock screen shows
    assert not [w for w in LOCK_SCREEN_WORDS if w in text[:40].lower()]
    assert directory.calls[0]["limit"] == 2


async def test_directory_down_gives_the_safety_fallback(directory, dispatcher):
    directory.fail = True
    await ActionFindService().run(dispatcher, make_tracker(), {})
    assert dispatcher.messages[0]["response"] == "utter_safety_fallback"


async def test_no_match_says_so_kindly(directory, dispatcher):
    directory.services = []
    await ActionFindService().run(dispatcher, make_tracker(), {})
    assert dispatcher.messages[0]["response"] == "utter_no_service_found"


async def test_emergency_signpost_gives_a_24_7_line_from_the_directory_not_999(
    directory, dispatcher
):
    directory.services = [EMERGENCY, HELPLINE]
    await ActionSignpostEmergency().run(dispatcher, make_tracker(), {})
    text = dispatcher.messages[0]["text"]
    assert "0808 2000 247" in text and "National Domestic Abuse Helpline" in text
    assert directory.calls[0]["open_now"] is True


async def test_emergency_signpost_asks_for_a_line_for_the_form_of_abuse_named(
    directory, dispatcher
):
    directory.services = [EMERGENCY, HELPLINE]
    tracker = make_tracker(abuse_type="rape_sexual_violence")
    await ActionSignpostEmergency().run(dispatcher, tracker, {})
    assert directory.calls[0]["abuse_type"] == "rape_sexual_violence"


async def test_emergency_signpost_without_the_directory_still_gives_a_helpline(
    directory, dispatcher
):
    directory.fail = True
    await ActionSignpostEmergency().run(dispatcher, make_tracker(), {})
    assert dispatcher.messages[0]["response"] == "utter_safety_fallback"


async def test_a_group_asked_about_gets_its_own_services_first(directory, dispatcher):
    directory.services = [SAMARITANS, MENS_LINE]
    await ActionFindService().run(dispatcher, make_tracker(eligibility="men"), {})
    assert directory.calls == [directory.calls[0]] and directory.calls[0]["eligibility"] == "men"
    assert "Men's Advice Line" in dispatcher.messages[0]["text"]


def answers_by_eligibility(directory, by_group: dict) -> list:
    """The fake directory answers each eligibility asked with its own list."""
    calls = []

    async def find_services(**filters):
        calls.append(filters)
        return by_group[filters.get("eligibility")]

    directory.find_services = find_services
    return calls


async def test_with_only_a_24_7_line_for_the_group_that_line_comes_first_then_everyone(
    directory, dispatcher
):
    # the directory adds a 24/7 line open to the group even when it lists nothing for it
    calls = answers_by_eligibility(
        directory, {"lgbt_plus": [SAMARITANS], None: [HELPLINE, LOCAL_NO_PHONE]}
    )
    await ActionFindService().run(dispatcher, make_tracker(eligibility="lgbt_plus"), {})
    assert [c.get("eligibility") for c in calls] == ["lgbt_plus", None]
    text = dispatcher.messages[0]["text"]
    assert text.index("Samaritans") < text.index("National Domestic Abuse Helpline")
    assert "Angelou Partnership" in text


async def test_a_man_is_never_given_a_service_for_women_only(directory, dispatcher):
    calls = answers_by_eligibility(
        directory, {"men": [SAMARITANS], None: [HELPLINE, LOCAL_NO_PHONE, CHILDLINE]}
    )
    await ActionFindService().run(dispatcher, make_tracker(eligibility="men"), {})
    assert calls[1]["limit"] > 3  # asked for more, since some may be for women only
    text = dispatcher.messages[0]["text"]
    assert "Samaritans" in text and "Childline" in text
    assert "National Domestic Abuse Helpline" not in text and "Angelou" not in text


async def test_a_man_in_danger_gets_a_24_7_line_open_to_men(directory, dispatcher):
    # the directory's 24/7 option for eligibility=men is never a line for women only
    directory.services = [EMERGENCY, SAMARITANS]
    await ActionSignpostEmergency().run(dispatcher, make_tracker(eligibility="men"), {})
    assert directory.calls[0]["eligibility"] == "men"
    assert "116 123" in dispatcher.messages[0]["text"]
    directory.services = [EMERGENCY, HELPLINE, SAMARITANS]
    # anyone else: the directory's first 24/7 line, with no eligibility asked
    directory.calls.clear()
    await ActionSignpostEmergency().run(dispatcher, make_tracker(eligibility="lgbt_plus"), {})
    assert directory.calls[0]["eligibility"] is None
    assert "0808 2000 247" in dispatcher.messages[1]["text"]


async def test_with_nothing_for_the_group_the_search_widens_to_everyone(directory, dispatcher):
    calls = answers_by_eligibility(directory, {"lgbt_plus": [], None: directory.services})
    await ActionFindService().run(dispatcher, make_tracker(eligibility="lgbt_plus"), {})
    assert [c.get("eligibility") for c in calls] == ["lgbt_plus", None]
    assert "National Domestic Abuse Helpline" in dispatcher.messages[0]["text"]


def emergency_tracker(danger: str | None = None, **slots):
    tracker = make_tracker(**slots)
    if danger:
        tracker.latest_message["entities"] = [{"entity": "danger", "value": danger}]
    return tracker


async def test_thoughts_of_suicide_are_offered_samaritans_as_the_24_7_line(directory, dispatcher):
    directory.services = [EMERGENCY, HELPLINE, SAMARITANS]
    await ActionSignpostEmergency().run(dispatcher, emergency_tracker("self_harm"), {})
    assert "Samaritans" in dispatcher.messages[0]["text"]
    assert "National Domestic Abuse Helpline" not in dispatcher.messages[0]["text"]
    assert len(directory.calls) == 1  # the fitting line found: no second query


async def test_low_mood_the_model_doubted_as_danger_is_offered_samaritans(directory, dispatcher):
    directory.services = [EMERGENCY, HELPLINE, SAMARITANS]
    tracker = emergency_tracker()
    tracker.latest_message["emergency_below_top"] = "feeling_low"
    await ActionSignpostEmergency().run(dispatcher, tracker, {})
    assert "Samaritans" in dispatcher.messages[0]["text"]
    assert "National Domestic Abuse Helpline" not in dispatcher.messages[0]["text"]


async def test_another_intent_the_model_doubted_keeps_the_line_for_the_abuse_type(
    directory, dispatcher
):
    directory.services = [EMERGENCY, HELPLINE, SAMARITANS]
    tracker = emergency_tracker()
    tracker.latest_message["emergency_below_top"] = "tell_abuse"
    await ActionSignpostEmergency().run(dispatcher, tracker, {})
    assert "National Domestic Abuse Helpline" in dispatcher.messages[0]["text"]


async def test_a_young_person_in_danger_is_offered_childline(directory, dispatcher):
    directory.services = [EMERGENCY, HELPLINE, CHILDLINE]
    tracker = emergency_tracker("threat_to_kill", audience="child_young_person")
    await ActionSignpostEmergency().run(dispatcher, tracker, {})
    assert "Childline" in dispatcher.messages[0]["text"]


async def test_other_danger_keeps_the_line_for_the_abuse_type(directory, dispatcher):
    directory.services = [EMERGENCY, HELPLINE, SAMARITANS, CHILDLINE]
    await ActionSignpostEmergency().run(dispatcher, emergency_tracker("weapon"), {})
    assert "National Domestic Abuse Helpline" in dispatcher.messages[0]["text"]
    assert len(directory.calls) == 1


async def test_with_the_fitting_line_missing_any_24_7_line_is_given(directory, dispatcher):
    directory.services = [EMERGENCY, HELPLINE]
    await ActionSignpostEmergency().run(dispatcher, emergency_tracker("self_harm"), {})
    assert "National Domestic Abuse Helpline" in dispatcher.messages[0]["text"]


async def test_low_mood_is_offered_samaritans_from_the_directory(directory, dispatcher):
    directory.services = [EMERGENCY, HELPLINE, SAMARITANS]
    await ActionSignpostListeningLine().run(dispatcher, make_tracker(), {})
    text = dispatcher.messages[0]["text"]
    assert "Samaritans" in text and SAMARITANS.phones[0].number in text  # the directory's number
    assert "National Domestic Abuse Helpline" not in text


async def test_a_young_person_feeling_low_is_offered_childline(directory, dispatcher):
    directory.services = [HELPLINE, SAMARITANS, CHILDLINE]
    await ActionSignpostListeningLine().run(
        dispatcher, make_tracker(audience="child_young_person"), {}
    )
    assert "Childline" in dispatcher.messages[0]["text"]


async def test_low_mood_without_samaritans_listed_gets_a_24_7_helpline(directory, dispatcher):
    directory.services = [EMERGENCY, HELPLINE]
    await ActionSignpostListeningLine().run(dispatcher, make_tracker(), {})
    assert "National Domestic Abuse Helpline" in dispatcher.messages[0]["text"]


async def test_low_mood_with_the_directory_down_still_gets_a_helpline(directory, dispatcher):
    directory.fail = True
    await ActionSignpostListeningLine().run(dispatcher, make_tracker(), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_safety_fallback"]


def naming(*record_ids: str, **slots):
    tracker = make_tracker(**slots)
    tracker.latest_message["entities"] = [{"entity": "service", "value": r} for r in record_ids]
    return tracker


async def test_a_service_named_comes_first_with_its_details_from_the_directory(
    directory, dispatcher
):
    await ActionFindService().run(dispatcher, naming("samaritans"), {})
    text = dispatcher.messages[0]["text"]
    assert "116 123" in text  # the number from the directory's record
    assert text.index("Samaritans") < text.index("Angelou") < text.index("National Domestic")


async def test_a_named_service_counts_towards_the_limit_and_is_not_repeated(directory, dispatcher):
    await ActionFindService().run(dispatcher, naming("national_domestic_abuse_helpline"), {})
    text = dispatcher.messages[0]["text"]
    assert text.count("National Domestic Abuse Helpline") == 1
    assert text.index("National Domestic") < text.index("Angelou")
    dispatcher.messages.clear()
    await ActionFindService().run(dispatcher, naming("samaritans", channel="sms"), {})
    text = dispatcher.messages[0]["text"]
    assert "Samaritans" in text and "Angelou" in text and "National Domestic" not in text


async def test_a_name_the_directory_does_not_know_changes_nothing(directory, dispatcher):
    await ActionFindService().run(dispatcher, naming("no_such_service"), {})
    assert "Angelou" in dispatcher.messages[0]["text"]


async def test_a_service_named_that_has_closed_down_is_not_listed(directory, dispatcher):
    directory.services = [LOCAL_NO_PHONE, replace(SAMARITANS, active=False), HELPLINE]
    answers_by_eligibility(directory, {None: [LOCAL_NO_PHONE, HELPLINE]})
    await ActionFindService().run(dispatcher, naming("samaritans"), {})
    assert "Samaritans" not in dispatcher.messages[0]["text"]
