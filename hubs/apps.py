from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubsConfig(AppConfig):
    """地域子育て支援拠点 (hub registry and reports)."""

    name = "hubs"
    verbose_name = _("地域子育て支援拠点")
