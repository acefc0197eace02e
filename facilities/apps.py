from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Role value (portal.models.Role); the model cannot be imported before the app registry is ready.
CITY_STAFF = "city_staff"


class FacilitiesConfig(AppConfig):
    """施設・サービスの案内 (directory)."""

    name = "facilities"
    verbose_name = _("施設・サービス")
    main_nav = [
        (_("さがす"), "facilities:search", None),
        (_("こんなときは"), "facilities:situations", None),
    ]
    staff_nav = [
        (_("施設データの一括登録・出力"), "facilities:import", {CITY_STAFF}),
        (_("見つからなかった検索"), "facilities:search_misses", {CITY_STAFF}),
    ]
