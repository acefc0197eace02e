from __future__ import annotations

import datetime as dt
import unicodedata

from django import template
from django.conf import settings
from django.core.cache import cache

from facilities.caching import FRAGMENT_SECONDS, card_key
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


class CardNode(template.Node):
    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        key = card_key(context["service"].card_version)
        html = context.get("cards", {}).get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html, FRAGMENT_SECONDS)
        return html


@register.tag
def card(parser: template.base.Parser, token: template.base.Token) -> CardNode:
    """``{% card %}…{% endcard %}``: a search result card rendered once per
    ``facilities.caching.card_version``; the view reads a page's cards at once (``cached_cards``)."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("card takes no arguments")
    nodelist = parser.parse(("endcard",))
    parser.delete_first_token()
    return CardNode(nodelist)
