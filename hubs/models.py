"""地域子育て支援拠点 (local childcare-support hubs): the registry, 出張ひろば and monthly reports.

A Hub **is** a directory entry (``facilities.Service``, category "hub"), linked one-to-one; its opening
schedule is that Service's ``WeeklyHours`` (one source, shown by the directory too). The 実施要綱 rules
live in ``hubs/rules.py`` and are applied by ``Hub.clean()`` / ``PopupPlaza.clean()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from facilities.models import Service, SpecialHours
from hubs import rules
from portal import dates
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
        return band_display(self.hub_type, self.open_days_band)

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

    def approved_on(self) -> dt.date | None:
        """The day of the hub's last 承認: the rules in force then judge what an edit leaves unchanged."""
        if not self.pk:
            return None
        last = self.transitions.filter(to_status=self.Status.APPROVED).order_by("-at").first()
        return timezone.localtime(last.at).date() if last else None

    def unchanged_sections(self, periods, staff_counts: tuple[int, int]) -> set[str]:
        """Parts of the record (``rules.HUB_SECTIONS``) the proposed values leave as stored."""
        if not self.pk:
            return set()
        stored = Hub.objects.select_related("service").get(pk=self.pk)
        if stored.hub_type != self.hub_type:
            return set()  # every number depends on the type
        same = {
            "hours": set(stored.periods()) == set(periods),
            "staff": stored.staff_counts() == tuple(staff_counts),
            "hub": all(
                getattr(stored, name) == getattr(self, name)
                for name in ("place_kind", "has_permanent_site", *rules.ADDON_TYPES)
            ),
        }
        return {section for section, unchanged in same.items() if unchanged}

    def rule_errors(
        self, *, periods=None, staff_counts: tuple[int, int] | None = None, recheck_all: bool = False
    ) -> list[ValidationError]:
        """The hub rules for this hub; ``periods``/``staff_counts`` let a caller check proposed values.

        What changes is checked against the rules in force today; what an edit leaves as stored,
        against the rules in force on the hub's last approval (``rules.hub_errors``). ``recheck_all``
        (registration, approval) checks everything against today's rules.
        """
        if periods is None:
            periods = self.periods() if self.service_id else []
        counts = staff_counts if staff_counts is not None else self.staff_counts()
        return rules.hub_errors(
            hub_type=self.hub_type,
            place_kind=self.place_kind,
            addons=self.addons,
            operator_runs_user_support=self.operator_runs_user_support,
            has_permanent_site=self.has_permanent_site,
            periods=periods,
            qualified_staff=counts[0],
            facility_staff=counts[1],
            on=timezone.localdate(),
            unchanged=set() if recheck_all else self.unchanged_sections(periods, counts),
            approved_on=self.approved_on(),
        )

    def clean(self) -> None:
        errors = self.rule_errors()
        if errors:
            raise ValidationError(errors)


def band_display(hub_type: str, band: str | None) -> str:
    """The label of a 開設日数の区分, or why a hub has none."""
    labels = dict(rules.band_choices(hub_type))
    return labels[band] if band in labels else str(_("要件外（開設日数が足りません）"))


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
        return [_period_text(p) for p in self.proposed_periods()]

    def proposed_periods(self) -> list[rules.Period]:
        return [
            rules.Period(int(day), dt.time.fromisoformat(opens), dt.time.fromisoformat(closes))
            for day, opens, closes in self.data.get("hours", [])
        ]

    def diff(self) -> list[DiffRow]:
        """Before (the hub as it is now) → after (as proposed), row by row, for city staff's review.

        A part the proposal does not carry stays as it is. The 開設日数の区分 row is derived from the
        hours, so a band change (which changes the subsidy) is called out even if nobody typed it.
        """
        hub, service = self.hub, self.hub.service
        rows = [
            DiffRow(
                str(Service._meta.get_field(name).verbose_name),
                getattr(service, name) or "",
                self.data.get(name, getattr(service, name)) or "",
            )
            for name in ("description", "phone", "email", "url")
        ]
        before = sorted(hub.periods(), key=_period_key)
        after = sorted(self.proposed_periods(), key=_period_key) if "hours" in self.data else before
        rows.append(
            DiffRow(
                str(_("開設時間")),
                "、".join(_period_text(p) for p in before),
                "、".join(_period_text(p) for p in after),
            )
        )
        staff_before = "、".join(f"{m.name}（{m.get_kind_display()}）" for m in hub.staff.all())
        staff_after = (
            "、".join(f"{name}（{HubStaffMember.Kind(kind).label}）" for name, kind in self.data["staff"])
            if "staff" in self.data
            else staff_before
        )
        rows.append(DiffRow(str(_("従事者")), staff_before, staff_after))
        days_after = len(rules.daily_hours(after))
        band_after = band_display(hub.hub_type, rules.open_days_band(hub.hub_type, days_after))
        rows.append(
            DiffRow(
                str(_("開設日数の区分")),
                _days_and_band(hub.open_days_per_week, hub.get_open_days_band_display()),
                _days_and_band(days_after, band_after),
                is_band=True,
            )
        )
        return rows


@dataclass(frozen=True)
class DiffRow:
    """One line of a change request's review: what it is, before and after."""

    label: str
    before: str
    after: str
    is_band: bool = False

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _period_key(period: rules.Period) -> tuple:
    return (period.weekday, period.opens_at)


def _period_text(period: rules.Period) -> str:
    from facilities.models import WeeklyHours

    return f"{WeeklyHours.Weekday(period.weekday).label} {period.opens_at:%H:%M}–{period.closes_at:%H:%M}"


def _days_and_band(days: int, band: str) -> str:
    return str(_("週%(days)s日（%(band)s）") % {"days": days, "band": band})


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
        return days_of(self.service.special_hours.all())

    def clean(self) -> None:
        """The 出張ひろば rules over the hub's dates: this popup's coming dates against all the others."""
        today = timezone.localdate()
        others = days_of(
            SpecialHours.objects.filter(service__popup_plaza__hub_id=self.hub_id).exclude(
                service_id=self.service_id
            )
        )
        errors = rules.popup_errors(
            hub_type=self.hub.hub_type,
            hub_has_popup_addon=self.hub.addon_popup,
            days=[d for d in self.days() if d.date >= today],
            kept_days=others,
            today=today,
        )
        if errors:
            raise ValidationError(errors)


def days_of(special_hours) -> list[rules.PopupDay]:
    """The open dates among ``SpecialHours`` rows, as the 出張ひろば rules read them."""
    return [rules.PopupDay(s.date, s.opens_at, s.closes_at) for s in special_hours if not s.is_closed]


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@dataclass(frozen=True)
class ReportGroup:
    """One group of a monthly report's counts: a fieldset of the form, a block of the detail page."""

    key: str
    title: str
    fields: tuple[str, ...]


class MonthlyReport(models.Model):
    """月次実績報告: what a hub did in one month, filed by hub staff and accepted by city staff.

    Counts of users are 延べ (a family coming on three days counts three times). Every count is
    declared once in :attr:`GROUPS`; the form, the detail page, the city's totals and the CSV read
    it, so a new statistic is one field here (and its migration).
    """

    GROUPS = (
        ReportGroup("opening", _("開設"), ("days_opened",)),
        ReportGroup(
            "users",  # 延べ利用者数 is their sum
            _("利用者数（延べ）"),
            ("parents", "children_age0", "children_age1", "children_age2", "children_age3_plus"),
        ),
        ReportGroup(
            "activities",
            _("相談・講習・出張ひろば・地域支援"),
            (
                "consultations",
                "courses_held",
                "course_attendance",
                "popup_days",
                "popup_users",
                "community_activities",
            ),
        ),
    )

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

    @classmethod
    def count_fields(cls) -> list[str]:
        return [name for group in cls.GROUPS for name in group.fields]

    @classmethod
    def user_fields(cls) -> tuple[str, ...]:
        return next(group.fields for group in cls.GROUPS if group.key == "users")

    @classmethod
    def label(cls, name: str) -> str:
        return str(cls._meta.get_field(name).verbose_name)

    @property
    def total_users(self) -> int:
        """延べ利用者数: parents and children."""
        return sum(getattr(self, name) for name in self.user_fields())

    def grouped_counts(self) -> list[tuple[ReportGroup, list[tuple[str, int]]]]:
        """(group, [(label, count)]) for the detail page."""
        return [(g, [(self.label(name), getattr(self, name)) for name in g.fields]) for g in self.GROUPS]

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
            elif self.month < dates.FLOOR:
                errors[NON_FIELD_ERRORS] = [month_too_early()]
            elif self.days_opened is not None and self.days_opened > _days_in_month(self.month):
                errors["days_opened"] = [_("開設日数がその月の日数を超えています。")]
        if self.courses_held == 0 and self.course_attendance:
            errors["course_attendance"] = [_("講習等を実施していない月に参加者数は入れられません。")]
        if self.popup_days == 0 and self.popup_users:
            errors["popup_users"] = [_("出張ひろばを開設していない月に利用者数は入れられません。")]
        if errors:
            raise ValidationError(errors)


def month_too_early() -> str:
    """A month before any record of the portal is a typo (0001, 1926 for 2026)."""
    return _("%(month)s より前の月の報告は作れません。") % {"month": f"{dates.FLOOR:%Y-%m}"}


def _days_in_month(month: dt.date) -> int:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return (following - month).days
