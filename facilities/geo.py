"""Postal code → coordinate table for the demo city (みどり市, fictional), used to sort by distance.

A real city would load the Japan Post / 国土地理院 table for its area here; the portal only needs the
codes of its own district.
"""

from __future__ import annotations

import unicodedata

from facilities.search import Point

POSTAL_CODES: dict[str, Point] = {
    "1000001": Point(35.6812, 139.7671),
    "1000002": Point(35.6830, 139.7650),
    "1000003": Point(35.6790, 139.7708),
    "1000011": Point(35.6905, 139.7523),
    "1000012": Point(35.6941, 139.7480),
    "1000021": Point(35.6718, 139.7812),
    "1000022": Point(35.6739, 139.7856),
    "1000031": Point(35.6642, 139.7489),
    "1000041": Point(35.6587, 139.7924),
}


def clean_postal_code(value: str) -> str:
    """Digits only: 〒100－0001 and １００００１ both become 1000001."""
    return "".join(c for c in unicodedata.normalize("NFKC", value) if c.isdigit())


def point_for_postal_code(value: str) -> Point | None:
    return POSTAL_CODES.get(clean_postal_code(value))
