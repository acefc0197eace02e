from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    """施設・サービスの案内 (directory)."""

    name = "facilities"
    verbose_name = _("施設・サービス")
