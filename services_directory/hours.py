"""Weekly opening hours in Europe/London time: open now, next opening, 24/7.

A rule is open on each listed day from `opens_at` until `closes_at`. "23:59" means until
midnight; a closing time at or before the opening time runs past midnight into the next day.
All times are wall-clock times in London, so summer time needs no special care.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # iCal codes, in weekday() order
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
END_OF_DAY = "23:59"
_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")

OPEN_24_7 = "open_24_7"
OPEN_NOW = "open_now"
CLOSED_NOW = "closed_now"
HOURS_UNKNOWN = "hours_unknown"


@dataclass(frozen=True)
class WeeklyHours:
    days: tuple[str, ...]
    opens_at: str  # "HH:MM"
    closes_at: str  # "HH:MM"


@dataclass(frozen=True)
class Availability:
    state: str  # OPEN_24_7, OPEN_NOW, CLOSED_NOW or HOURS_UNKNOWN
    next_opening: datetime | None = None  # when CLOSED_NOW and a next opening is known
    closes: datetime | None = None  # when OPEN_NOW

    @property
    def is_open(self) -> bool | None:
        if self.state == HOURS_UNKNOWN:
            return None
        return self.state in (OPEN_24_7, OPEN_NOW)


def is_hh_mm(value: str) -> bool:
    return bool(_HH_MM.match(value))


def in_london(at: datetime | None) -> datetime:
    """The asked moment in London time; a naive datetime is taken as London time."""
    if at is None:
        return datetime.now(LONDON)
    if at.tzinfo is None:
        return at.replace(tzinfo=LONDON)
    return at.astimezone(LONDON)


def is_24_7(rules: list[WeeklyHours]) -> bool:
    return any(
        set(rule.days) == set(DAYS) and rule.opens_at == "00:00" and rule.closes_at == END_OF_DAY
        for rule in rules
    )


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _intervals(rules: list[WeeklyHours], first_day: date, days: int):
    """Every (start, end) opening from first_day for the given number of days."""
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for rule in rules:
            if DAYS[day.weekday()] not in rule.days:
                continue
            start = datetime.combine(day, _clock(rule.opens_at), LONDON)
            if rule.closes_at == END_OF_DAY:
                end = datetime.combine(day + timedelta(days=1), time(0), LONDON)
            else:
                end = datetime.combine(day, _clock(rule.closes_at), LONDON)
                if end <= start:
                    end += timedelta(days=1)
            yield start, end


def availability(rules: list[WeeklyHours], at: datetime | None = None) -> Availability:
    if not rules:
        return Availability(HOURS_UNKNOWN)
    if is_24_7(rules):
        return Availability(OPEN_24_7)
    moment = in_london(at)
    # From yesterday, for overnight openings still running; 8 days reach next week's opening.
    intervals = list(_intervals(rules, moment.date() - timedelta(days=1), 9))
    ends = [end for start, end in intervals if start <= moment < end]
    if ends:
        return Availability(OPEN_NOW, closes=max(ends))
    starts = [start for start, _ in intervals if start > moment]
    return Availability(CLOSED_NOW, next_opening=min(starts, default=None))


def clock_text(moment: datetime) -> str:
    """9am, 9:30am, 12pm, midnight."""
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def day_text(moment: datetime, at: datetime) -> str:
    days_ahead = (moment.date() - at.date()).days
    if days_ahead == 0:
        return "today"
    if days_ahead == 1:
        return "tomorrow"
    return DAY_NAMES[moment.weekday()]


def describe(found: Availability, at: datetime | None = None) -> str:
    """A short phrase for the asked time: "opens Monday at 9am", "open now until 5pm"."""
    if found.state == OPEN_24_7:
        return "open 24 hours, 7 days a week"
    if found.state == OPEN_NOW and found.closes is not None:
        return f"open now until {clock_text(found.closes)}"
    if found.state == CLOSED_NOW and found.next_opening is not None:
        moment = in_london(at)
        return f"opens {day_text(found.next_opening, moment)} at {clock_text(found.next_opening)}"
    if found.state == CLOSED_NOW:
        return "closed now"
    return "opening hours not known"
