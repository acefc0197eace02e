"""Showing a record in the page's language: one home for the rule, used by templates and forms."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language


def in_english() -> bool:
    return (get_language() or settings.LANGUAGE_CODE).startswith("en")


def localized(obj: object, field: str = "name") -> str:
    """``field`` of ``obj`` in the page's language: in English its ``<field>_en`` when the city gave
    one, otherwise the Japanese original (a proper name stays as the city wrote it; nothing is
    machine-translated or invented)."""
    original = getattr(obj, field, "") or ""
    if in_english():
        return getattr(obj, f"{field}_en", "") or original
    return original


def city_name() -> str:
    """The city's name (市の名称) in the page's language; CITY_NAME when no English name is set."""
    return (in_english() and settings.CITY_NAME_EN) or settings.CITY_NAME
