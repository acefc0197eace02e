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
        (_("フォローアップの予定"), "consultations:follow_ups", {SPECIALIST}),
        (_("相談の申し込み"), "consultations:request_intake", {SPECIALIST}),
        (_("地域連携"), "consultations:cooperation", "consultations.selectors.may_record_cooperation"),
        (_("相談統計"), "consultations:report", {SPECIALIST, CITY_STAFF}),
        (_("監査ログ"), "consultations:audit_log", {CITY_STAFF}),
        # The lead specialist (主任) opens it from the case list: the menu knows roles, not leads.
        (_("監督ビュー"), "consultations:supervisor", {CITY_STAFF}),
        (_("匿名化の予定"), "consultations:erasures", {CITY_STAFF}),
    ]
