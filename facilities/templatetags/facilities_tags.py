from __future__ import annotations

from django import template

from facilities.models import Situation

register = template.Library()


@register.inclusion_tag("facilities/_situations.html")
def situation_cards() -> dict:
    """The こんなときは cards, for pages of other apps (the home page)."""
    return {"situations": list(Situation.objects.prefetch_related("categories"))}
