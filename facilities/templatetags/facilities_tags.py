from __future__ import annotations

import datetime as dt
import unicodedata

from django import template
from django.conf import settings

from facilities.models import Situation, hours_text
from facilities.urgent import NATIONAL_LINES

register = template.Library()


@register.inclusion_tag("facilities/_situations.html")
def situation_cards() -> dict:
    """The こんなときは cards, for pages of other apps (the home page)."""
    return {"situations": list(Situation.objects.prefetch_related("categories"))}


@register.inclusion_tag("facilities/_urgent_help.html", takes_context=True)
def urgent_help(context) -> dict:
    """いますぐ相談したいとき: the national lines and the city's after-hours line (when it gave one)."""
    return {
        "national_lines": NATIONAL_LINES,
        "city_after_hours_phone": settings.CITY_AFTER_HOURS_PHONE,
        "city_name": context.get("city_name"),
    }


@register.filter
def tel_href(phone: str) -> str:
    """A ``tel:`` link for a phone number as written (0120-000-100 → tel:0120000100)."""
    folded = unicodedata.normalize("NFKC", phone)
    return "tel:" + "".join(char for char in folded if char in "+0123456789")


@register.filter
def hours(opens: dt.time, closes: dt.time) -> str:
    """``{{ opens|hours:closes }}``: one opening period in words (「24時間」, 「（翌日）」)."""
    return hours_text(opens, closes)
