"""Service areas, the boroughs a person can be in, and postcode districts."""

from __future__ import annotations

import re

WESTMINSTER = "westminster"
KENSINGTON_CHELSEA = "kensington_chelsea"
ELSEWHERE = "elsewhere"
BOROUGHS = (WESTMINSTER, KENSINGTON_CHELSEA, ELSEWHERE)

# Area code -> (name, the boroughs a person can be in and still use it).
# "elsewhere" means outside both boroughs: national and London-wide services serve it.
_EVERYWHERE = frozenset(BOROUGHS)
AREAS: dict[str, tuple[str, frozenset[str]]] = {
    WESTMINSTER: ("Westminster", frozenset({WESTMINSTER})),
    KENSINGTON_CHELSEA: ("Kensington and Chelsea", frozenset({KENSINGTON_CHELSEA})),
    "hammersmith_fulham": ("Hammersmith and Fulham", frozenset({ELSEWHERE})),
    "london": ("London", _EVERYWHERE),
    "england": ("England", _EVERYWHERE),
    "england_wales": ("England and Wales", _EVERYWHERE),
    "uk": ("United Kingdom", _EVERYWHERE),
    "national": ("National (exact area not stated)", _EVERYWHERE),
}
AREA_URI_PREFIX = "urn:vawg-signpost:area:"


def area_codes_serving(borough: str) -> list[str]:
    """The area codes whose services a person in this borough can use."""
    return sorted(code for code, (_, covers) in AREAS.items() if borough in covers)


# Postcode districts in each borough. A district that crosses a borough boundary maps to
# every borough it touches: showing an extra local service is safer than hiding one.
# A district with a sector letter (SW1X) is looked up before its base (SW1).
_DISTRICTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(
        ("W1", "W2", "W9", "NW1", "NW6", "NW8", "SW1", "WC2"), frozenset({WESTMINSTER})
    ),
    **dict.fromkeys(("W8", "W11", "W14", "SW3", "SW5", "SW10"), frozenset({KENSINGTON_CHELSEA})),
    **dict.fromkeys(("W10", "SW7", "SW1W", "SW1X"), frozenset({WESTMINSTER, KENSINGTON_CHELSEA})),
}
_POSTCODE = re.compile(
    r"^(?P<area>[A-Z]{1,2})(?P<number>\d{1,2})(?P<letter>[A-Z]?)(?:\d[A-Z]{2})?$"
)


class InvalidPostcode(ValueError):
    pass


def boroughs_for_postcode(postcode: str) -> frozenset[str]:
    """Boroughs for a full UK postcode or its district ("W2 1AA", "sw1x"); else "elsewhere"."""
    compact = re.sub(r"\s+", "", postcode).upper()
    match = _POSTCODE.match(compact)
    if not match:
        raise InvalidPostcode(f"not a UK postcode or postcode district: {postcode!r}")
    base = match["area"] + match["number"]
    found = _DISTRICTS.get(base + match["letter"]) or _DISTRICTS.get(base)
    return found or frozenset({ELSEWHERE})
