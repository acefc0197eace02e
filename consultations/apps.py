from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Role values (portal.models.Role); the model cannot be imported before the app registry is ready.
SPECIALIST, CITY_STAFF = "specialist", "city_staff"


class ConsultationsConfig(AppConfig):
    """相談記録 (case records of 利用者支援専門員)."""

    name = "consultations"
    verbose_name = _("相談記録")
    staff_nav = [
        (_("相談記録"), "consultations:case_list", {SPECIALIST}),
        (_("相談を記録"), "consultations:contact_log", {SPECIALIST}),
        (_("地域連携"), "consultations:cooperation", "consultations.selectors.may_record_cooperation"),
        (_("相談統計"), "consultations:report", {SPECIALIST, CITY_STAFF}),
        (_("監査ログ"), "consultations:audit_log", {CITY_STAFF}),
    ]
