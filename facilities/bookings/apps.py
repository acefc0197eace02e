from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    """予約 (booking of sessions of directory services), a module of facilities with its own tables."""

    name = "facilities.bookings"
    label = "bookings"
    verbose_name = _("予約")
