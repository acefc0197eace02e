from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse
from django.utils.module_loading import import_string

from portal.i18n import city_name


def _may_open(user, who) -> bool:
    if who is None:
        return True
    if not (user is not None and user.is_authenticated):
        return False
    if isinstance(who, str):  # the dotted path of the predicate the view itself asks
        return import_string(who)(user)
    return user.role in who


def _nav_items(request: HttpRequest, attribute: str) -> list[dict[str, str]]:
    user = getattr(request, "user", None)
    items = []
    for config in apps.get_app_configs():
        for label, url_name, who in getattr(config, attribute, ()):
            if _may_open(user, who):
                items.append({"label": label, "url": reverse(url_name)})
    return items


def navigation(request: HttpRequest) -> dict:
    """The navigation shell: each app lists its pages in ``AppConfig.main_nav`` / ``staff_nav``.

    An entry is ``(label, url_name, who)``: ``who`` is ``None`` (everyone), a collection of roles, or
    the dotted path of a predicate ``(user) -> bool`` for pages open to only some users of a role; the
    view raises 403 with that same predicate, so the menu never offers a page that refuses. This only
    decides which links are shown: every view checks permissions on its own.
    """
    return {
        "public_nav": _nav_items(request, "main_nav"),
        "staff_nav": _nav_items(request, "staff_nav"),
        "city_name": city_name(),
    }
