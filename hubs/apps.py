from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubsConfig(AppConfig):
    """地域子育て支援拠点 (hub registry and reports)."""

    name = "hubs"
    verbose_name = _("地域子育て支援拠点")
    # Role values of portal.models.Role (models cannot be imported while apps load).
    staff_nav = [
        (_("担当の拠点"), "hubs:my_hub", ["hub_staff"]),
        (_("地域子育て支援拠点の一覧"), "hubs:registry", ["city_staff"]),
        (_("拠点の状況（市）"), "hubs:city_overview", ["city_staff"]),
    ]

    def ready(self) -> None:
        from hubs import receivers  # noqa: F401  (connects the receivers)
