from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    """予約 (booking of sessions of directory services), a module of facilities with its own tables."""

    name = "facilities.bookings"
    label = "bookings"
    verbose_name = _("予約")

    def ready(self) -> None:
        # Roles come from portal.models, which cannot be imported before the app registry is ready.
        from portal.models import STAFF_ROLES, Role

        self.main_nav = [(_("予約の確認"), "bookings:my_bookings", (Role.PARENT,))]
        self.staff_nav = [(_("予約枠と名簿"), "bookings:staff_sessions", tuple(STAFF_ROLES))]
        from facilities.bookings import receivers  # noqa: F401  (connects the receivers)
