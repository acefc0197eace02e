from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    """相談記録 (case records of 利用者支援専門員)."""

    name = "consultations"
    verbose_name = _("相談記録")
