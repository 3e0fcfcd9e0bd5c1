"""Every filter, open now and the safety ranking, on a small made-up directory."""

from __future__ import annotations

from datetime import datetime

import pytest

from services_directory import queries
from services_directory.hours import LONDON
from services_directory.queries import ServiceFilters
from tests.services_directory.builders import make_record

ALL_WEEK = [
    {"days": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"], "opens_at": "00:00", "closes_at": "23:59"}
]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]
WEDNESDAY_NOON = datetime(2026, 11, 25, 12, 0, tzinfo=LONDON)
FRIDAY_NIGHT = datetime(2026, 11, 27, 23, 0, tzinfo=LONDON)
SATURDAY_NOON = datetime(2026, 11, 28, 12, 0, tzinfo=LONDON)
MONDAY_9AM = datetime(2026, 11, 30, 9, 0, tzinfo=LONDON)

RECORDS = [
    make_record(
        "west_da_centre",
        kind="local",
        areas=["westminster"],
        abuse_types=["domestic_abuse", "stalking"],
        eligibility=["women_only"],
        channels=["phone", "email"],
        email="help@example.org",
        languages=["ar"],
        hours=[{"days": WEEKDAYS, "opens_at": "09:00", "closes_at": "17:00"}],
    ),
    make_record(
        "rbkc_drop_in",
        kind="local",
        focus="general",
        areas=["kensington_chelsea"],
        audiences=["survivor", "friend_family"],
        eligibility=["rough_sleepers"],
        channels=[],
        phones=[],
        url="https://drop-in.example.org",
    ),
    make_record(
        "national_247_line",
        areas=["national"],
        abuse_types=["domestic_abuse", "rape_sexual_violence"],
        audiences=["survivor", "friend_family", "professional"],
        channels=["phone", "web_chat"],
        online_contact="Live chat on the website",
        interpretation="Interpreters for many languages",
        hours=ALL_WEEK,
    ),
    make_record(
        "mens_line",
        eligibility=["men"],
        hours=[{"days": WEEKDAYS, "opens_at": "10:00", "closes_at": "16:00"}],
    ),
    make_record(
        "own_behaviour_line",
        audiences=["own_behaviour"],
        channels=["phone", "text"],
        text_contact="Text 0808 000 0001",
    ),
    make_record(
        "teen_line",
        abuse_types=["child_abuse"],
        audiences=["child_young_person"],
        eligibility=["age_limited"],
        maximum_age=18,
        channels=["phone", "bsl_relay"],
        languages=["bfi"],
        hours=ALL_WEEK,
    ),
    make_record(
        "emergency_number",
        kind="emergency",
        focus="general",
        hours=ALL_WEEK,
        phones=[{"number": "999"}],
    ),
    make_record("general_247", focus="general", abuse_types=[], hours=ALL_WEEK),
    make_record(
        "night_safety",
        kind="local",
        focus="general",
        areas=["westminster"],
        abuse_types=["sexual_harassment"],
        channels=[],
        phones=[],
        hours=[{"days": ["FR", "SA"], "opens_at": "22:00", "closes_at": "02:00"}],
    ),
    make_record("closed_down", status="defunct"),
]


@pytest.fixture
def directory(add_records):
    return add_records(*RECORDS)


def find(directory, at=WEDNESDAY_NOON, **filters) -> list[str]:
    with directory() as session:
        return [
            m.record.slug for m in queries.find_services(session, ServiceFilters(**filters), at)
        ]


NATIONAL = {
    "national_247_line",
    "mens_line",
    "own_behaviour_line",
    "teen_line",
    "emergency_number",
    "general_247",
}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"abuse_type": "stalking"}, {"west_da_centre"}),
        ({"abuse_type": "child_abuse"}, {"teen_line"}),
        ({"audience": "own_behaviour"}, {"own_behaviour_line"}),
        ({"audience": "friend_family"}, {"rbkc_drop_in", "national_247_line"}),
        ({"borough": "westminster"}, NATIONAL | {"west_da_centre", "night_safety"}),
        ({"borough": "kensington_chelsea"}, NATIONAL | {"rbkc_drop_in"}),
        ({"borough": "elsewhere"}, NATIONAL),
        ({"postcode": "W2 1AA"}, NATIONAL | {"west_da_centre", "night_safety"}),
        ({"postcode": "SW1X"}, NATIONAL | {"west_da_centre", "night_safety", "rbkc_drop_in"}),
        ({"postcode": "M1 1AE"}, NATIONAL),
        ({"borough": "kensington_chelsea", "postcode": "W2"}, NATIONAL),  # both must hold
        ({"language": "ar"}, {"west_da_centre", "national_247_line"}),  # or interpreters
        ({"language": "bfi"}, {"teen_line", "national_247_line"}),
        ({"eligibility": "men"}, {"mens_line"}),
        ({"eligibility": "rough_sleepers"}, {"rbkc_drop_in"}),
        ({"channel": "web_chat"}, {"national_247_line"}),
        ({"channel": "text"}, {"own_behaviour_line"}),
        ({"channel": "email"}, {"west_da_centre"}),
        ({"channel": "bsl_relay"}, {"teen_line"}),
        ({"search": "TEEN"}, {"teen_line"}),
        ({"search": "100%"}, set()),  # LIKE wildcards are plain text
    ],
)
def test_each_filter(directory, filters, expected):
    found = find(directory, **filters)
    # The 24/7 option may be added when no local specialist is open; judge the rest.
    assert set(found) - {"national_247_line", "general_247"} == expected - {
        "national_247_line",
        "general_247",
    }
    assert expected <= set(found)


def test_defunct_services_are_never_offered_but_can_be_looked_up(directory):
    assert "closed_down" not in find(directory)
    with directory() as session:
        assert queries.get_service(session, "closed_down").status == "defunct"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("abuse_type", "nope"),
        ("audience", "x"),
        ("borough", "camden"),
        ("language", "xx"),
        ("eligibility", "y"),
        ("channel", "pigeon"),
        ("postcode", "not a postcode"),
    ],
)
def test_unknown_filter_values_are_refused(directory, name, value):
    with pytest.raises(queries.InvalidFilter) as error:
        find(directory, **{name: value})
    assert error.value.name == name


def open_now(directory, at, **filters) -> dict[str, bool | None]:
    with directory() as session:
        matches = queries.find_services(session, ServiceFilters(open_now=True, **filters), at)
    return {m.record.slug: m.availability.is_open for m in matches}


def test_open_now_across_midnight_on_a_friday_night(directory):
    found = open_now(directory, FRIDAY_NIGHT)
    assert found["night_safety"] is True  # 10pm to 2am
    assert "mens_line" not in found and "own_behaviour_line" not in found  # closed, unknown
    # The one closed service kept is the local one, so the reply can say when it opens.
    assert [slug for slug, is_open in found.items() if not is_open] == ["west_da_centre"]
    assert open_now(directory, SATURDAY_NOON.replace(hour=1))["night_safety"] is True


def test_open_now_at_the_weekend_keeps_when_the_local_service_opens(directory):
    found = find(directory, at=SATURDAY_NOON, open_now=True, abuse_type="domestic_abuse")
    assert found[:2] == ["national_247_line", "west_da_centre"]
    with directory() as session:
        matches = queries.find_services(
            session, ServiceFilters(open_now=True, abuse_type="domestic_abuse"), SATURDAY_NOON
        )
    local = matches[1]
    assert local.availability.is_open is False
    assert local.availability.next_opening == MONDAY_9AM
    assert "mens_line" not in found  # closed, and not local


def test_ranking_local_specialist_then_local_general_then_national_then_emergency(directory):
    found = find(directory, at=WEDNESDAY_NOON)
    assert found[0] == "west_da_centre"  # open local specialist: no 24/7 promotion
    assert found.index("west_da_centre") < found.index("night_safety") < found.index("mens_line")
    assert found[-1] == "emergency_number"


def test_a_service_only_for_women_sleeping_rough_comes_after_those_open_to_everyone(directory):
    found = find(directory, at=WEDNESDAY_NOON, borough="kensington_chelsea")
    # a local service, but not for everyone: after the national ones, before 999
    assert found[-2:] == ["rbkc_drop_in", "emergency_number"]
    # asked for: the 24/7 option, then the group's own service
    asked = find(directory, at=WEDNESDAY_NOON, eligibility="rough_sleepers")
    assert asked == ["national_247_line", "rbkc_drop_in"]


def test_when_no_local_specialist_is_open_a_24_7_option_comes_first(directory):
    found = find(directory, at=SATURDAY_NOON, abuse_type="domestic_abuse")
    assert found[0] == "national_247_line"
    assert found.index("west_da_centre") < found.index("mens_line")  # local still before national


# its name sorts before national_247_line's: only the abuse type can put it second
SLAVERY_247_LINE = make_record("a_slavery_247_line", abuse_types=["modern_slavery"], hours=ALL_WEEK)


def test_with_no_abuse_type_the_24_7_option_is_a_domestic_abuse_line(add_records):
    directory = add_records(*RECORDS, SLAVERY_247_LINE)
    found = find(directory, at=SATURDAY_NOON)
    assert found[0] == "national_247_line"
    assert "a_slavery_247_line" in found


def test_the_24_7_option_follows_the_abuse_type_asked(add_records):
    directory = add_records(*RECORDS, SLAVERY_247_LINE)
    assert find(directory, at=SATURDAY_NOON, abuse_type="modern_slavery")[0] == "a_slavery_247_line"


def test_with_no_24_7_line_for_the_type_the_option_is_the_domestic_abuse_line(directory):
    # no 24/7 stalking line: the domestic abuse line, whose advisers take such calls, rather
    # than a general listening line
    found = find(directory, at=SATURDAY_NOON, abuse_type="stalking")
    assert found == ["national_247_line", "west_da_centre"]


WOMEN_ONLY_247_LINE = make_record(
    "womens_247_line", abuse_types=["domestic_abuse"], eligibility=["women_only"], hours=ALL_WEEK
)
LISTENING_247_LINE = make_record("listening_line", focus="general", abuse_types=[], hours=ALL_WEEK)


def test_a_line_for_women_only_is_never_the_24_7_option_for_a_man(add_records):
    directory = add_records(
        WOMEN_ONLY_247_LINE, LISTENING_247_LINE, SLAVERY_247_LINE, STALKING_LINE
    )
    # for a woman, or anyone not saying: the domestic abuse line before the listening line
    assert find(directory, at=SATURDAY_NOON, abuse_type="stalking")[:2] == [
        "womens_247_line",
        "stalking_line",
    ]
    for abuse_type in ("domestic_abuse", "stalking", None):
        found = find(directory, at=SATURDAY_NOON, abuse_type=abuse_type, eligibility="men")
        # the general line open to him: not the women's line, and with no type asked, not
        # the trafficking line either
        assert found[0] == "listening_line", abuse_type
    # a domestic abuse line open to everyone is still preferred to the general one
    directory = add_records(make_record("open_247_line", hours=ALL_WEEK))
    assert find(directory, at=SATURDAY_NOON, abuse_type="stalking", eligibility="men")[0] == (
        "open_247_line"
    )


def test_open_services_rank_before_unknown_and_closed_ones(directory):
    found = find(directory, at=WEDNESDAY_NOON, abuse_type="domestic_abuse", borough="elsewhere")
    assert found.index("mens_line") < found.index("own_behaviour_line")  # open before unknown
    evening = WEDNESDAY_NOON.replace(hour=20)
    found = find(directory, at=evening, abuse_type="domestic_abuse", borough="elsewhere")
    assert found.index("own_behaviour_line") < found.index("mens_line")  # unknown before closed


# a national line for stalking alone, and a second local service that lists stalking among others
STALKING_LINE = make_record(
    "stalking_line",
    abuse_types=["stalking"],
    hours=[{"days": WEEKDAYS, "opens_at": "09:30", "closes_at": "16:00"}],
)
SECOND_LOCAL = make_record(
    "rbkc_womens_centre",
    kind="local",
    areas=["kensington_chelsea"],
    abuse_types=["domestic_abuse", "fgm", "stalking"],
    hours=[{"days": WEEKDAYS, "opens_at": "09:00", "closes_at": "17:00"}],
)


def test_a_specialist_for_the_abuse_type_asked_is_kept_second(add_records):
    directory = add_records(*RECORDS, STALKING_LINE, SECOND_LOCAL)
    # open local services first, then the stalking line before the other local one
    found = find(directory, at=WEDNESDAY_NOON, abuse_type="stalking")
    assert found[:3] == ["west_da_centre", "stalking_line", "rbkc_womens_centre"]
    # at the weekend the 24/7 option comes first and the stalking line still second
    found = find(directory, at=SATURDAY_NOON, abuse_type="stalking")
    assert found[:2] == ["national_247_line", "stalking_line"]
    # a type that is no one's main type, or no type: the ranking alone
    assert find(directory, at=WEDNESDAY_NOON, abuse_type="fgm")[0] == "rbkc_womens_centre"
    assert "stalking_line" not in find(directory, at=WEDNESDAY_NOON, abuse_type="fgm")
    assert find(directory, at=WEDNESDAY_NOON).index("stalking_line") > 2
