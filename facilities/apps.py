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

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from facilities.caching import labels_changed
        from facilities.receivers import reindex_after_commit
        from facilities.signals import services_renamed

        # Category and 地区 names appear in cached parts of the search page (facilities.caching).
        for model in (self.get_model("Category"), self.get_model("Area")):
            post_save.connect(labels_changed, sender=model, dispatch_uid=f"labels-{model.__name__}")
            post_delete.connect(labels_changed, sender=model, dispatch_uid=f"labels-del-{model.__name__}")
        services_renamed.connect(reindex_after_commit, dispatch_uid="reindex-renamed")
