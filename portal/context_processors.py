from __future__ import annotations

from django.apps import apps
from django.http import HttpRequest
from django.urls import reverse

from portal.i18n import city_name


def _nav_items(request: HttpRequest, attribute: str) -> list[dict[str, str]]:
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    items = []
    for config in apps.get_app_configs():
        for label, url_name, roles in getattr(config, attribute, ()):
            if roles is None or role in roles:
                items.append({"label": label, "url": reverse(url_name)})
    return items


def navigation(request: HttpRequest) -> dict:
    """The navigation shell: each app lists its pages in ``AppConfig.main_nav`` / ``staff_nav``.

    An entry is ``(label, url_name, roles)``, roles ``None`` meaning everyone. This only decides which
    links are shown: every view checks permissions on its own.
    """
    return {
        "public_nav": _nav_items(request, "main_nav"),
        "staff_nav": _nav_items(request, "staff_nav"),
        "city_name": city_name(),
    }
