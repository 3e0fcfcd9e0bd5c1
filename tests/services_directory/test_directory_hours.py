"""Open now, next opening and 24/7 in Europe/London time (pure functions, no database)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from services_directory import hours
from services_directory.hours import LONDON, WeeklyHours

WEEKDAYS_9_TO_5 = [WeeklyHours(("MO", "TU", "WE", "TH", "FR"), "09:00", "17:00")]
# A night service: Friday and Saturday, 10pm until 2am the next morning.
WEEKEND_NIGHTS = [WeeklyHours(("FR", "SA"), "22:00", "02:00")]
ALL_WEEK = [WeeklyHours(hours.DAYS, "00:00", "23:59")]


def london(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)


# 2026-11-27 is a Friday.
@pytest.mark.parametrize(
    ("at", "is_open"),
    [
        (london(2026, 11, 27, 8, 59), False),
        (london(2026, 11, 27, 9, 0), True),
        (london(2026, 11, 27, 16, 59), True),
        (london(2026, 11, 27, 17, 0), False),  # closing time is not open
        (london(2026, 11, 28, 12, 0), False),  # Saturday
        (london(2026, 11, 29, 12, 0), False),  # Sunday
    ],
)
def test_weekday_hours(at, is_open):
    assert hours.availability(WEEKDAYS_9_TO_5, at).is_open is is_open


def test_over_the_weekend_the_next_opening_is_monday_morning():
    found = hours.availability(WEEKDAYS_9_TO_5, london(2026, 11, 27, 18, 30))  # Friday evening
    assert found.state == hours.CLOSED_NOW
    assert found.next_opening == london(2026, 11, 30, 9, 0)
    assert hours.describe(found, london(2026, 11, 27, 18, 30)) == "opens Monday at 9am"


def test_next_opening_today_and_tomorrow_are_said_so():
    early = london(2026, 11, 25, 7, 0)
    assert hours.describe(hours.availability(WEEKDAYS_9_TO_5, early), early) == "opens today at 9am"
    evening = london(2026, 11, 25, 20, 0)
    found = hours.availability(WEEKDAYS_9_TO_5, evening)
    assert hours.describe(found, evening) == "opens tomorrow at 9am"


@pytest.mark.parametrize(
    ("at", "is_open"),
    [
        (london(2026, 11, 27, 21, 59), False),
        (london(2026, 11, 27, 23, 30), True),  # Friday night
        (london(2026, 11, 28, 1, 59), True),  # still Friday's opening, after midnight
        (london(2026, 11, 28, 2, 0), False),
        (london(2026, 11, 29, 1, 0), True),  # Saturday's opening runs into Sunday
        (london(2026, 11, 30, 1, 0), False),  # nothing on Sunday night
    ],
)
def test_openings_that_cross_midnight(at, is_open):
    assert hours.availability(WEEKEND_NIGHTS, at).is_open is is_open


def test_open_now_says_until_when_even_past_midnight():
    at = london(2026, 11, 27, 23, 0)
    found = hours.availability(WEEKEND_NIGHTS, at)
    assert found.closes == london(2026, 11, 28, 2, 0)
    assert hours.describe(found, at) == "open now until 2am"


def test_24_7_is_always_open_and_says_so():
    assert hours.is_24_7(ALL_WEEK)
    for at in (london(2026, 11, 28, 3, 0), london(2026, 12, 25, 23, 59)):
        found = hours.availability(ALL_WEEK, at)
        assert found.state == hours.OPEN_24_7 and found.is_open
    assert hours.describe(hours.availability(ALL_WEEK)) == "open 24 hours, 7 days a week"


def test_no_hours_means_unknown_never_closed():
    found = hours.availability([], london(2026, 11, 27, 12, 0))
    assert found.state == hours.HOURS_UNKNOWN
    assert found.is_open is None
    assert hours.describe(found) == "opening hours not known"


def test_times_are_london_wall_clock_in_summer_and_winter():
    # 08:30 UTC is 09:30 in London in July (BST) but 08:30 in January (GMT).
    summer = datetime(2026, 7, 1, 8, 30, tzinfo=timezone.utc)
    winter = datetime(2026, 1, 7, 8, 30, tzinfo=timezone.utc)
    assert hours.availability(WEEKDAYS_9_TO_5, summer).is_open is True
    assert hours.availability(WEEKDAYS_9_TO_5, winter).is_open is False


def test_a_naive_time_is_taken_as_london_time():
    assert hours.in_london(datetime(2026, 7, 1, 9, 30)) == london(2026, 7, 1, 9, 30)


@pytest.mark.parametrize(
    ("hour", "minute", "text"),
    [(0, 0, "midnight"), (9, 0, "9am"), (9, 30, "9:30am"), (12, 0, "12pm"), (22, 0, "10pm")],
)
def test_clock_text(hour, minute, text):
    assert hours.clock_text(london(2026, 11, 27, hour, minute)) == text
