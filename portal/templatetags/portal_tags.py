"""Template helpers every page may use (registered as a builtin in settings.TEMPLATES)."""

from __future__ import annotations

from django import template

from portal import i18n

register = template.Library()


@register.filter
def localized(obj: object, field: str = "name") -> str:
    """``{{ area|localized }}``, ``{{ situation|localized:"title" }}``: see ``portal.i18n.localized``."""
    return i18n.localized(obj, field)
