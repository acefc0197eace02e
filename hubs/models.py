"""地域子育て支援拠点 (local childcare-support hubs): the registry, 出張ひろば and monthly reports.

A Hub **is** a directory entry (``facilities.Service``, category "hub"), linked one-to-one; its opening
schedule is that Service's ``WeeklyHours`` (one source, shown by the directory too). The seed's rules
live in ``hubs/rules.py`` and are applied by ``Hub.clean()`` / ``PopupPlaza.clean()``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from facilities.models import Service
from hubs import rules
from portal.models import Role


def _city_name() -> str:
    return settings.CITY_NAME


class HubQuerySet(models.QuerySet["Hub"]):
    def for_user(self, user) -> HubQuerySet:
        """Hubs a user may work on: city staff all of them, hub staff their own, nobody else any."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.role == Role.CITY_STAFF:
            return self.all()
        if user.role == Role.HUB_STAFF:
            return self.filter(staff_accounts__user=user)
        return self.none()


class Hub(models.Model):
    """地域子育て支援拠点: a hub of the 地域子育て支援拠点事業, one directory entry of category "hub"."""

    class Type(models.TextChoices):
        GENERAL = rules.GENERAL, _("一般型")
        COLLABORATIVE = rules.COLLABORATIVE, _("連携型")

    class PlaceKind(models.TextChoices):
        NURSERY = "nursery", _("保育所")
        PUBLIC_SPACE = "public_space", _("公共施設の空きスペース")
        VACANT_SHOP = "vacant_shop", _("商店街の空き店舗")
        PRIVATE_HOUSE = "private_house", _("民家")
        APARTMENT = "apartment", _("マンション・アパートの一室")
        OTHER = "other", _("その他")
        CHILD_WELFARE = "child_welfare", _("児童福祉施設等")

    class Status(models.TextChoices):
        APPLIED = "applied", _("申請中")
        UNDER_REVIEW = "under_review", _("審査中")
        APPROVED = "approved", _("承認")
        SUSPENDED = "suspended", _("休止")
        ABOLISHED = "abolished", _("廃止")

    class Band(models.TextChoices):
        """開設日数の区分 (the seed's bands)."""

        DAYS_3_4 = "3-4", _("週3～4日")
        DAYS_5 = "5", _("週5日")
        DAYS_6_7 = "6-7", _("週6～7日")
        DAYS_5_7 = "5-7", _("週5～7日")

    # Who may move a hub to which status (申請中 → 審査中 → 承認 → 休止 / 廃止).
    TRANSITIONS = {
        Status.APPLIED: (Status.UNDER_REVIEW, Status.ABOLISHED),
        Status.UNDER_REVIEW: (Status.APPROVED, Status.APPLIED, Status.ABOLISHED),
        Status.APPROVED: (Status.SUSPENDED, Status.ABOLISHED),
        Status.SUSPENDED: (Status.APPROVED, Status.ABOLISHED),
        Status.ABOLISHED: (),
    }

    service = models.OneToOneField(
        Service, verbose_name=_("案内の掲載"), on_delete=models.PROTECT, related_name="hub"
    )
    hub_type = models.CharField(_("類型"), max_length=20, choices=Type.choices)
    implementing_body = models.CharField(_("実施主体"), max_length=100, default=_city_name)
    place_kind = models.CharField(_("実施場所の種類"), max_length=20, choices=PlaceKind.choices)
    has_permanent_site = models.BooleanField(_("常設の拠点施設がある"), default=True)
    addon_hub_base = models.BooleanField(_("加算: 地域の子育て拠点としての取組"), default=False)
    addon_popup = models.BooleanField(_("加算: 出張ひろば"), default=False)
    addon_community_support = models.BooleanField(_("加算: 地域支援の取組"), default=False)
    addon_community_capacity = models.BooleanField(_("加算: 地域の子育て力を高める取組"), default=False)
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = HubQuerySet.as_manager()

    class Meta:
        ordering = ["service__name_kana", "service__name"]
        verbose_name = _("地域子育て支援拠点")
        verbose_name_plural = _("地域子育て支援拠点")

    def __str__(self) -> str:
        return self.service.name

    @property
    def name(self) -> str:
        return self.service.name

    @property
    def operator(self):
        """運営主体 (the Service's organization); the municipality itself when not outsourced."""
        return self.service.organization

    @property
    def is_outsourced(self) -> bool:
        return self.operator.kind != self.operator.Kind.MUNICIPAL

    @property
    def addons(self) -> list[str]:
        return [name for name in rules.ADDON_TYPES if getattr(self, name)]

    def addon_labels(self) -> list[str]:
        return [str(rules.ADDON_LABELS[name]) for name in self.addons]

    # --- derived from the schedule (never typed) ---
    def periods(self) -> list[rules.Period]:
        return rules.periods_of(self.service.weekly_hours.all())

    def daily_hours(self) -> dict[int, dt.timedelta]:
        return rules.daily_hours(self.periods())

    @property
    def open_days_per_week(self) -> int:
        return len(self.daily_hours())

    @property
    def open_days_band(self) -> str | None:
        return rules.open_days_band(self.hub_type, self.open_days_per_week)

    def get_open_days_band_display(self) -> str:
        band = self.open_days_band
        return self.Band(band).label if band else str(_("要件外（週3日未満）"))

    @property
    def shortest_open_day_hours(self) -> dt.timedelta | None:
        hours = self.daily_hours().values()
        return min(hours) if hours else None

    # --- staff ---
    def staff_counts(self) -> tuple[int, int]:
        """(qualified, facility helpers) from the staff list."""
        members = list(self.staff.all()) if self.pk else []
        qualified = sum(m.kind == HubStaffMember.Kind.QUALIFIED for m in members)
        return qualified, len(members) - qualified

    @property
    def operator_runs_user_support(self) -> bool:
        """Whether the operator also runs 利用者支援事業, read from the user-support registry.

        A site counts when its operator is this hub's operator or when it runs at this hub. Derived,
        never typed twice: registering the site in consultations is what refuses 地域支援の取組.
        """
        return self.user_support_sites().exists()

    def user_support_sites(self) -> models.QuerySet:
        from consultations.models import UserSupportSite

        service = self.service  # the directory entry; unsaved while a hub is being registered
        conditions = models.Q()
        if service.organization_id:
            conditions |= models.Q(service__organization_id=service.organization_id)
        if service.pk:
            conditions |= models.Q(hub_service_id=service.pk)
        if not conditions:
            return UserSupportSite.objects.none()
        return UserSupportSite.objects.filter(conditions).select_related("service")

    def rule_errors(
        self, *, periods=None, staff_counts: tuple[int, int] | None = None
    ) -> list[ValidationError]:
        """The seed's rules for this hub; ``periods``/``staff_counts`` let a caller check proposed values."""
        if periods is None:
            periods = self.periods() if self.service_id else []
        qualified, facility = staff_counts if staff_counts is not None else self.staff_counts()
        return rules.hub_errors(
            hub_type=self.hub_type,
            place_kind=self.place_kind,
            addons=self.addons,
            operator_runs_user_support=self.operator_runs_user_support,
            has_permanent_site=self.has_permanent_site,
            periods=periods,
            qualified_staff=qualified,
            facility_staff=facility,
        )

    def clean(self) -> None:
        errors = self.rule_errors()
        if errors:
            raise ValidationError(errors)


class HubStaffMember(models.Model):
    """従事者: one person on a hub's staff list."""

    class Kind(models.TextChoices):
        QUALIFIED = "qualified", _("子育てに関する知識・経験を有する者")
        FACILITY = "facility", _("協力する施設職員")

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField(_("氏名"), max_length=100)
    kind = models.CharField(_("区分"), max_length=20, choices=Kind.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("従事者")
        verbose_name_plural = _("従事者")

    def __str__(self) -> str:
        return self.name


class HubStaffAccount(models.Model):
    """拠点職員のアカウント: a hub-staff user and the one hub they work for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("利用者"),
        on_delete=models.CASCADE,
        related_name="hub_account",
        limit_choices_to={"role": Role.HUB_STAFF},
    )
    hub = models.ForeignKey(
        Hub, verbose_name=_("拠点"), on_delete=models.CASCADE, related_name="staff_accounts"
    )

    class Meta:
        verbose_name = _("拠点職員のアカウント")
        verbose_name_plural = _("拠点職員のアカウント")

    def __str__(self) -> str:
        return f"{self.user} → {self.hub}"

    def clean(self) -> None:
        if self.user_id and self.user.role != Role.HUB_STAFF:
            raise ValidationError({"user": _("拠点職員の役割の利用者だけを拠点に結び付けられます。")})


class HubTransition(models.Model):
    """状態の変更記録: who moved a hub from which status to which, when and why."""

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("変更前"), max_length=20, choices=Hub.Status.choices, blank=True)
    to_status = models.CharField(_("変更後"), max_length=20, choices=Hub.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("変更者"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("日時"), default=timezone.now)
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("状態の変更記録")
        verbose_name_plural = _("状態の変更記録")

    def __str__(self) -> str:
        return f"{self.hub}: {self.from_status} → {self.to_status}"


class HubChangeRequest(models.Model):
    """変更の申し出: hub staff propose new contact details, hours or staff; city staff accept or decline.

    ``data`` holds the proposal as plain JSON: {"description", "phone", "email", "url",
    "hours": [[weekday, "HH:MM", "HH:MM"], ...], "staff": [[name, kind], ...]}.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("確認待ち")
        ACCEPTED = "accepted", _("反映済み")
        DECLINED = "declined", _("見送り")

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="change_requests")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申し出た人"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("申し出日時"), default=timezone.now)
    data = models.JSONField(_("変更内容"))
    note = models.TextField(_("申し出の説明"), blank=True)
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("確認した人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    comment = models.TextField(_("市からのコメント"), blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("変更の申し出")
        verbose_name_plural = _("変更の申し出")

    def __str__(self) -> str:
        return f"{self.hub} ({self.proposed_at:%Y-%m-%d})"

    def hours_display(self) -> list[str]:
        from facilities.models import WeeklyHours

        return [
            f"{WeeklyHours.Weekday(int(day)).label} {opens}–{closes}"
            for day, opens, closes in self.data.get("hours", [])
        ]


class PopupPlaza(models.Model):
    """出張ひろば: a hub's pop-up plaza, its own directory entry (category "popup-hub").

    Its place is the Service's location; its dates are the Service's ``SpecialHours`` rows (open, with
    times), so parents find each date in the directory.
    """

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="popups")
    service = models.OneToOneField(
        Service, verbose_name=_("案内の掲載"), on_delete=models.PROTECT, related_name="popup_plaza"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("出張ひろば")
        verbose_name_plural = _("出張ひろば")

    def __str__(self) -> str:
        return self.service.name

    def days(self) -> list[rules.PopupDay]:
        return [
            rules.PopupDay(s.date, s.opens_at, s.closes_at)
            for s in self.service.special_hours.all()
            if not s.is_closed
        ]

    def clean(self) -> None:
        errors = rules.popup_errors(
            hub_type=self.hub.hub_type, hub_has_popup_addon=self.hub.addon_popup, days=self.days()
        )
        if errors:
            raise ValidationError(errors)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


class MonthlyReport(models.Model):
    """月次実績報告: what a hub did in one month, filed by hub staff and accepted by city staff.

    Counts of users are 延べ (a family coming on three days counts three times).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        SUBMITTED = "submitted", _("提出済み")
        RETURNED = "returned", _("差し戻し")
        ACCEPTED = "accepted", _("受理")

    hub = models.ForeignKey(Hub, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(_("対象月"), help_text=_("月の1日"))
    days_opened = models.PositiveSmallIntegerField(_("開設日数"), default=0)
    parents = models.PositiveIntegerField(_("利用者数（保護者・延べ）"), default=0)
    children_age0 = models.PositiveIntegerField(_("利用者数（0歳児・延べ）"), default=0)
    children_age1 = models.PositiveIntegerField(_("利用者数（1歳児・延べ）"), default=0)
    children_age2 = models.PositiveIntegerField(_("利用者数（2歳児・延べ）"), default=0)
    children_age3_plus = models.PositiveIntegerField(_("利用者数（3歳以上・延べ）"), default=0)
    consultations = models.PositiveIntegerField(_("相談件数"), default=0)
    courses_held = models.PositiveSmallIntegerField(_("講習等の実施回数"), default=0)
    course_attendance = models.PositiveIntegerField(_("講習等の参加者数"), default=0)
    popup_days = models.PositiveSmallIntegerField(_("出張ひろばの開設日数"), default=0)
    popup_users = models.PositiveIntegerField(_("出張ひろばの利用者数（延べ）"), default=0)
    community_activities = models.PositiveSmallIntegerField(_("地域支援の取組の実施回数"), default=0)
    note = models.TextField(_("特記事項"), blank=True)
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    review_comment = models.TextField(_("市からのコメント"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "hub"]
        verbose_name = _("月次実績報告")
        verbose_name_plural = _("月次実績報告")
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "month"],
                name="monthly_report_one_per_hub_month",
                violation_error_message=_("この月の報告はすでにあります。"),
            ),
            models.CheckConstraint(condition=models.Q(month__day=1), name="monthly_report_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.hub} {self.month:%Y-%m}"

    @property
    def children(self) -> int:
        return self.children_age0 + self.children_age1 + self.children_age2 + self.children_age3_plus

    @property
    def total_users(self) -> int:
        """延べ利用者数: parents and children."""
        return self.parents + self.children

    @property
    def no_courses(self) -> bool:
        """講習等を実施していない月 (the fourth basic service) — flagged for city staff."""
        return self.courses_held == 0

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.month:
            if self.month.day != 1:
                self.month = first_of_month(self.month)
            if self.month > first_of_month(timezone.localdate()):
                # Not tied to the month field: the report form shows the month, it does not edit it.
                errors[NON_FIELD_ERRORS] = [_("まだ来ていない月の報告は作れません。")]
            elif self.days_opened is not None and self.days_opened > _days_in_month(self.month):
                errors["days_opened"] = [_("開設日数がその月の日数を超えています。")]
        if self.courses_held == 0 and self.course_attendance:
            errors["course_attendance"] = [_("講習等を実施していない月に参加者数は入れられません。")]
        if self.popup_days == 0 and self.popup_users:
            errors["popup_users"] = [_("出張ひろばを開設していない月に利用者数は入れられません。")]
        if errors:
            raise ValidationError(errors)


def _days_in_month(month: dt.date) -> int:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (following - month).days
