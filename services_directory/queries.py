"""Find services: filters, open-now in Europe/London, and the safety ranking.

Ranking: local specialist, then local general, national specialist, national general, and
emergency numbers last (the bot gives 999 in its own danger replies); a service only for one
group (women sleeping rough) after all the others but the emergency numbers, unless the
filters ask for that group (then every result is for it). Within a group: open
before unknown before closed, services centred on the asked abuse type first, services that
talk to survivors directly, higher confidence, then a phone before other routes before none.

When no local specialist is known to be open at the asked time, a 24/7 service goes first
(matching the filters if one does, else the abuse type, else a specialist line for domestic
abuse, else a general 24/7 line; with no abuse type asked, one for domestic abuse is
preferred; a line for women only is never the option for someone asking as a man). When an
abuse type is asked, the best specialist whose main type it is (a stalking line for stalking)
is then moved up to second place: local services that list the type among many would
otherwise fill every place a reply shows. With `open_now`, the local service that opens
soonest is kept second, so the reply can say when. A text `search` looks services up by
name and gets none of these additions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from services_directory import areas, hours, models, store, taxonomy
from services_directory.records import ServiceRecord

_CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}
_KIND_ORDER = {"local": 0, "national": 2, "emergency": 4}
_DIRECT_AUDIENCES = {"survivor", "child_young_person"}
# Eligibility that makes a service one group's only (a drop-in for women sleeping rough): it
# ranks after the services open to everyone unless that group is asked for. Other tags also
# mark services open to everyone (Rahab's sex_workers, Southall Black Sisters' nrpf).
_ONLY_FOR_ONE_GROUP = {"rough_sleepers"}
DEFAULT_ABUSE_TYPE = "domestic_abuse"  # for the 24/7 option when no abuse type is asked
# Filter name -> the taxonomy its value comes from.
_TERM_FILTERS = {
    "abuse_type": taxonomy.ABUSE_TYPE,
    "audience": taxonomy.AUDIENCE,
    "eligibility": taxonomy.ELIGIBILITY,
    "channel": taxonomy.CHANNEL,
}


class InvalidFilter(ValueError):
    def __init__(self, name: str, message: str):
        self.name = name
        super().__init__(f"{name}: {message}")


@dataclass(frozen=True)
class ServiceFilters:
    abuse_type: str | None = None
    audience: str | None = None
    borough: str | None = None
    postcode: str | None = None
    language: str | None = None
    eligibility: str | None = None
    channel: str | None = None
    search: str | None = None
    open_now: bool = False


@dataclass(frozen=True)
class Match:
    record: ServiceRecord
    availability: hours.Availability
    rank: tuple  # smaller is better; see _rank

    @property
    def is_local(self) -> bool:
        return self.record.kind == "local"

    @property
    def is_24_7(self) -> bool:
        return self.availability.state == hours.OPEN_24_7

    def fallback_key(self) -> tuple:
        """For choosing the 24/7 option: open to anyone first, specialist, then confidence."""
        record = self.record
        return (
            bool(record.eligibility),
            record.focus == "general",
            _CONFIDENCE_ORDER[record.confidence],
            self.rank,
        )


def _rank(record: ServiceRecord, found: hours.Availability, abuse_type: str | None) -> tuple:
    if record.phones:
        reach = 0
    elif record.url or record.email or record.online_contact or record.text_contact:
        reach = 1
    else:
        reach = 2
    # The facts list a service's main abuse types first: a stalking line before a service
    # that also mentions stalking.
    centrality = record.abuse_types.index(abuse_type) if abuse_type in record.abuse_types else 0
    return (
        record.kind == "emergency",
        bool(_ONLY_FOR_ONE_GROUP & set(record.eligibility)),
        _KIND_ORDER[record.kind] + (record.focus == "general"),
        {True: 0, None: 1, False: 2}[found.is_open],
        centrality,
        not _DIRECT_AUDIENCES & set(record.audiences),
        _CONFIDENCE_ORDER[record.confidence],
        reach,
        record.name.lower(),
    )


def _check(filters: ServiceFilters) -> None:
    for name, tax in _TERM_FILTERS.items():
        value = getattr(filters, name)
        if value is not None and value not in tax.terms:
            raise InvalidFilter(name, f"unknown value {value!r}; use one of {', '.join(tax.terms)}")
    if filters.borough is not None and filters.borough not in areas.BOROUGHS:
        raise InvalidFilter("borough", f"use one of {', '.join(areas.BOROUGHS)}")
    if filters.language is not None and filters.language not in taxonomy.LANGUAGES:
        raise InvalidFilter("language", f"use an ISO code: {', '.join(taxonomy.LANGUAGES)}")


def _statement(filters: ServiceFilters):
    service = models.Service
    statement = select(service).where(service.status == "active")
    for name, tax in _TERM_FILTERS.items():
        value = getattr(filters, name)
        if value is not None:
            statement = statement.where(
                service.id.in_(
                    select(models.Attribute.link_id).where(
                        models.Attribute.taxonomy_term_id == tax.term_id(value)
                    )
                )
            )
    borough_sets = []
    if filters.borough is not None:
        borough_sets.append({filters.borough})
    if filters.postcode is not None:
        try:
            borough_sets.append(areas.boroughs_for_postcode(filters.postcode))
        except areas.InvalidPostcode as error:
            raise InvalidFilter("postcode", str(error)) from error
    for boroughs in borough_sets:
        codes = sorted({code for borough in boroughs for code in areas.area_codes_serving(borough)})
        statement = statement.where(
            service.id.in_(
                select(models.ServiceArea.service_id).where(models.ServiceArea.code.in_(codes))
            )
        )
    if filters.language is not None:
        # Services speaking the language, and those offering interpreters.
        statement = statement.where(
            or_(
                service.id.in_(
                    select(models.Language.service_id).where(
                        models.Language.code == filters.language
                    )
                ),
                service.interpretation_services.is_not(None),
            )
        )
    if filters.search:
        words = filters.search.strip().lower()
        statement = statement.where(
            or_(
                func.lower(service.name).contains(words, autoescape=True),
                func.lower(service.description).contains(words, autoescape=True),
                service.slug.contains(words, autoescape=True),
            )
        )
    return statement


def _matches(session: Session, filters: ServiceFilters, at: datetime) -> list[Match]:
    found = []
    for service in session.scalars(_statement(filters)):
        record = store.record_from_row(service)
        availability = hours.availability([rule.rule() for rule in record.hours], at)
        found.append(Match(record, availability, _rank(record, availability, filters.abuse_type)))
    return sorted(found, key=lambda match: match.rank)


def _best_24_7(
    session: Session, filters: ServiceFilters, ranked: list[Match], at: datetime
) -> Match | None:
    """The 24/7 option: from the results, else matching the abuse type, else a general line."""
    audience = filters.audience or "survivor"
    # With no abuse type asked, prefer a line for domestic abuse, the form most people mean
    # by "help": otherwise the name breaks the tie, and a trafficking line came first.
    wanted = filters.abuse_type or DEFAULT_ABUSE_TYPE
    for_men = filters.eligibility == "men"

    def best(candidates: list[Match], other_types: bool = True) -> Match | None:
        usable = [
            match
            for match in candidates
            if match.is_24_7
            and match.record.kind != "emergency"
            and audience in match.record.audiences
            # a line for women only is no use to a man asking for himself
            and not (for_men and "women_only" in match.record.eligibility)
        ]
        fitting = [match for match in usable if wanted in match.record.abuse_types]
        return min(fitting or (usable if other_types else []), key=Match.fallback_key, default=None)

    # With no type asked, a line for another type will not do (a man asking in general was
    # offered the trafficking line): on to the domestic abuse and general lines
    other_types = filters.abuse_type is not None
    no_filters = ServiceFilters()
    return (
        best(ranked, other_types)
        or best(
            _matches(session, replace(no_filters, abuse_type=filters.abuse_type), at), other_types
        )
        # No 24/7 line for the type (stalking, forced marriage, economic abuse...): a
        # specialist one for domestic abuse, whose advisers take those calls too and which
        # the ask is often part of, before a general listening line
        or best(_matches(session, replace(no_filters, abuse_type=DEFAULT_ABUSE_TYPE), at))
        or best([m for m in _matches(session, no_filters, at) if m.record.focus == "general"])
    )


def find_services(
    session: Session, filters: ServiceFilters, at: datetime | None = None
) -> list[Match]:
    """Active services matching every filter, best first (see the module docstring)."""
    _check(filters)
    moment = hours.in_london(at)
    ranked = _matches(session, replace(filters, open_now=False), moment)
    local_open = any(
        m.is_local and m.record.focus == "specialist" and m.availability.is_open for m in ranked
    )
    results = [m for m in ranked if m.availability.is_open] if filters.open_now else ranked
    if filters.search:  # a name search looks a service up: no additions
        return results
    if local_open:
        return _centred_specialist_second(results, filters.abuse_type)
    option = _best_24_7(session, filters, ranked, moment)
    if option is not None:
        results = [option] + [m for m in results if m.record.slug != option.record.slug]
    results = _centred_specialist_second(results, filters.abuse_type)
    if filters.open_now:
        opening = [m for m in ranked if m.is_local and m.availability.next_opening]
        soonest = min(opening, key=lambda m: m.availability.next_opening, default=None)
        if soonest is not None:
            results.insert(1 if option else 0, soonest)
    return results


def _centred_specialist_second(results: list[Match], abuse_type: str | None) -> list[Match]:
    """Moves the best specialist whose main abuse type is the one asked up to second place
    (the facts list a service's main type first), if it ranks lower."""
    if abuse_type is None:
        return results
    centred = next(
        (
            match
            for match in results
            if match.record.focus == "specialist"
            and match.record.kind != "emergency"
            and match.record.abuse_types[:1] == [abuse_type]
        ),
        None,
    )
    if centred is None or results.index(centred) <= 1:
        return results
    rest = [match for match in results if match is not centred]
    return rest[:1] + [centred] + rest[1:]


def get_service(session: Session, slug_or_id: str) -> ServiceRecord | None:
    service = store.find(session, slug_or_id)
    return store.record_from_row(service) if service else None
