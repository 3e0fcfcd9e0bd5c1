"""Boroughs from postcodes and districts, and which service areas serve a borough."""

from __future__ import annotations

import pytest

from services_directory import areas
from services_directory.areas import ELSEWHERE, KENSINGTON_CHELSEA, WESTMINSTER


@pytest.mark.parametrize(
    ("postcode", "boroughs"),
    [
        ("W2 1AA", {WESTMINSTER}),
        ("w2", {WESTMINSTER}),
        ("W1T 1AA", {WESTMINSTER}),  # W1 with a sector letter
        ("W1 1AA", {WESTMINSTER}),  # written without the letter
        ("W10 5AA", {WESTMINSTER, KENSINGTON_CHELSEA}),  # W10 is not W1
        ("W11 1AA", {KENSINGTON_CHELSEA}),
        ("SW1A 2AA", {WESTMINSTER}),
        ("SW1X 7AA", {WESTMINSTER, KENSINGTON_CHELSEA}),  # crosses the boundary
        ("SW3", {KENSINGTON_CHELSEA}),
        ("M1 1AE", {ELSEWHERE}),
        ("E1", {ELSEWHERE}),
    ],
)
def test_postcode_to_boroughs(postcode, boroughs):
    assert areas.boroughs_for_postcode(postcode) == boroughs


@pytest.mark.parametrize("postcode", ["", "hello", "12345", "W2 1AAA", "W2-1AA"])
def test_not_a_postcode(postcode):
    with pytest.raises(areas.InvalidPostcode):
        areas.boroughs_for_postcode(postcode)


def test_a_borough_is_served_by_its_own_and_by_wider_areas():
    assert areas.area_codes_serving(WESTMINSTER) == sorted(
        {"westminster", "london", "england", "england_wales", "uk", "national"}
    )
    assert "westminster" not in areas.area_codes_serving(KENSINGTON_CHELSEA)
    elsewhere = areas.area_codes_serving(ELSEWHERE)
    assert "westminster" not in elsewhere and "hammersmith_fulham" in elsewhere
