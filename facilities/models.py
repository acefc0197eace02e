"""The directory (子育て支援サービスの案内), after Open Referral HSDS adapted to a Japanese city.

Organization (運営主体) runs Services (サービス) at Locations (所在地). Hubs (hubs.Hub) and user-support
sites (consultations.UserSupportSite) are Services of this directory, linked one-to-one, not copies.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from typing import NamedTuple

import holidays
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from facilities.fields import CodePointTextField, GramsField
from facilities.search_data import SEARCH_DATA_FIELDS, reindex_services, set_search_data
from facilities.signals import services_renamed
from facilities.text import normalize, reading_of

# A period "until late" for the 夜間・休日 filter: it closes after this time or past midnight.
EVENING = dt.time(19, 0)
# A rename touching more services than this reindexes them in a task after the commit.
REINDEX_IN_REQUEST = 200


@functools.cache
def _japanese_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year)


def is_public_holiday(day: dt.date) -> bool:
    """祝日 (including 振替休日) from the maintained ``holidays`` package."""
    return day in _japanese_holidays(day.year)


def age_text(months: int) -> str:
    """An age in years and months as parents say it: 「1歳6か月」, 「6か月」, 「3歳」 (never 「18か月」)."""
    years, rest = divmod(months, 12)
    year_part = ngettext("%(n)d歳", "%(n)d歳", years) % {"n": years} if years else ""
    month_part = ngettext("%(n)dか月", "%(n)dか月", rest) % {"n": rest} if rest or not years else ""
    if year_part and month_part:
        return gettext("%(years)s%(months)s") % {"years": year_part, "months": month_part}
    return year_part or month_part


def age_range_text(min_months: int | None, max_months: int | None) -> str:
    """対象年齢 in words (``max_months`` exclusive): 「1歳6か月から3歳未満まで」, 「18歳未満」.

    A lower bound of 0 months says nothing a parent needs, so 0–216 reads 「18歳未満」.
    """
    low = min_months or None
    if low is None and max_months is None:
        return gettext("年齢の制限はありません")
    if low is None:
        return gettext("%(high)s未満") % {"high": age_text(max_months)}
    if max_months is None:
        return gettext("%(low)sから") % {"low": age_text(low)}
    return gettext("%(low)sから%(high)s未満まで") % {"low": age_text(low), "high": age_text(max_months)}


def hours_text(opens: dt.time, closes: dt.time) -> str:
    """One opening period: 「09:00–17:00」, 「17:00–09:00（翌日）」 past midnight, 「24時間」 round the clock."""
    if opens == closes:
        return gettext("24時間")
    text = f"{opens:%H:%M}–{closes:%H:%M}"
    return text + gettext("（翌日）") if closes < opens else text


def _local(when: dt.datetime) -> dt.datetime:
    return timezone.localtime(when) if timezone.is_aware(when) else when


class Area(models.Model):
    """地区: the city's districts, used for filters and the planning statistics."""

    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("地区名"), max_length=50)
    name_kana = models.CharField(_("地区名（よみ）"), max_length=100, blank=True)
    name_en = models.CharField(_("地区名（英語）"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("地区")
        verbose_name_plural = _("地区")

    def __str__(self) -> str:
        return self.name


def _searchable_fields_changed(instance: models.Model, fields: list[str]) -> bool:
    """Whether saving ``instance`` changes ``fields`` that its services' search text holds: only then
    are they reindexed (a category holds thousands of services in a large directory; editing its
    description or order must not recompute them all)."""
    if instance.pk is None:
        return False
    stored = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    return stored is not None and any(stored[field] != getattr(instance, field) for field in fields)


class Category(models.Model):
    """サービス種別. Seeded with the services the national 利用者支援事業 and 地域子育て支援拠点事業 name; city staff may add more. A child narrows its parent
    (子育て短期支援 → ショートステイ / トワイライトステイ)."""

    slug = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("名称（英語）"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上位の種別"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("説明"), blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("サービス種別")
        verbose_name_plural = _("サービス種別")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        renamed = _searchable_fields_changed(self, ["name", "name_en", "parent_id"])
        super().save(*args, **kwargs)
        if renamed:
            # Category names are part of each service's search text (一時預かり finds 一時保育).
            reindex_renamed(kind="category", pk=self.pk)


class Organization(models.Model):
    """運営主体: who runs a service (the city itself or an operator it outsources to)."""

    class Kind(models.TextChoices):
        MUNICIPAL = "municipal", _("市町村直営")
        SOCIAL_WELFARE = "social_welfare", _("社会福祉法人")
        NPO = "npo", _("NPO法人")
        PRIVATE = "private", _("民間事業者")
        OTHER = "other", _("その他")

    name = models.CharField(_("名称"), max_length=200)
    name_kana = models.CharField(_("名称（よみ）"), max_length=300, blank=True)
    kind = models.CharField(_("種別"), max_length=20, choices=Kind.choices)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    url = models.URLField(_("ウェブサイト"), blank=True)
    corporate_number = models.CharField(
        _("法人番号"),
        max_length=13,
        blank=True,
        help_text=_("国税庁の13桁の法人番号。一括登録で運営主体を見分けます。"),
    )

    class Meta:
        ordering = ["name_kana", "name"]
        verbose_name = _("運営主体")
        verbose_name_plural = _("運営主体")

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """所在地: a place where services are given."""

    name = models.CharField(_("名称"), max_length=200)
    name_kana = models.CharField(_("名称（よみ）"), max_length=300, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True)
    address = models.CharField(_("住所"), max_length=300)
    address_detail = models.CharField(_("方書（建物名等）"), max_length=200, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="locations")
    latitude = models.DecimalField(_("緯度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("経度"), max_digits=9, decimal_places=6, null=True, blank=True)
    access_notes = models.TextField(_("アクセス"), blank=True)
    barrier_free_notes = models.TextField(_("バリアフリー情報"), blank=True)
    parking_notes = models.TextField(_("駐車場"), blank=True)

    class Meta:
        ordering = ["name_kana", "name"]
        verbose_name = _("所在地")
        verbose_name_plural = _("所在地")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        renamed = _searchable_fields_changed(self, ["name", "name_kana"])
        super().save(*args, **kwargs)
        if renamed:
            # The place's name is part of its services' search text.
            reindex_renamed(kind="location", pk=self.pk)


def _covering(t: dt.time, *, from_previous_day: bool) -> Q:
    """Periods (weekly or special rows) that cover time ``t`` of their own day, or — for
    ``from_previous_day`` — time ``t`` of the next day (the part after midnight of an overnight period)."""
    overnight = Q(closes_at__lte=F("opens_at"))
    if from_previous_day:
        return overnight & Q(closes_at__gt=t)
    return Q(opens_at__lte=t) & (Q(closes_at__gt=t) | overnight)


def _open_on(day: dt.date, t: dt.time, *, from_previous_day: bool) -> Q:
    """Services whose periods *of* ``day`` cover ``t``: the day's SpecialHours when it has any,
    otherwise the weekly hours (unless it is a 祝日 and the service closes on 祝日)."""
    cover = _covering(t, from_previous_day=from_previous_day)
    special = SpecialHours.objects.filter(service=OuterRef("pk"), date=day)
    weekly = WeeklyHours.objects.filter(service=OuterRef("pk"), weekday=day.weekday()).filter(cover)
    weekly_applies = ~Q(Exists(special))
    if is_public_holiday(day):
        weekly_applies &= Q(closed_on_holidays=False)
    return Q(Exists(special.filter(cover, is_closed=False))) | (weekly_applies & Q(Exists(weekly)))


def open_at_condition(when: dt.datetime) -> Q:
    """The condition of ``Service.objects.open_at(when)``, for a filter or an ordering (open now first)."""
    when = _local(when)
    today, t = when.date(), when.time()
    return (
        _open_on(today, t, from_previous_day=False)
        | _open_on(today - dt.timedelta(days=1), t, from_previous_day=True)
    ) & ~Q(status="temporarily_closed")


# What parents may see: published, active or temporarily closed (the latter marked so). Also the
# condition of the partial search indexes of Service.
VISIBLE_TO_PARENTS = Q(published=True) & ~Q(status="ended")


def reindex_renamed(*, kind: str, pk: int) -> None:
    """After a category or place is renamed: its services' search data, in this request when they are
    few, otherwise in a Celery task once the rename commits (a category of a large directory holds tens
    of thousands of services; at about 0.7 ms a service the admin's save would time out)."""
    services = Service.objects.naming(kind=kind, pk=pk)
    if services[: REINDEX_IN_REQUEST + 1].count() <= REINDEX_IN_REQUEST:
        reindex_services(services)
        return
    services_renamed.send(sender=Service, kind=kind, pk=pk)


class ServiceQuerySet(models.QuerySet["Service"]):
    def naming(self, *, kind: str, pk: int) -> ServiceQuerySet:
        """The services whose search text holds the name of サービス種別 (``kind="category"``; a
        parent's name is in its children's services too) or 所在地 (``kind="location"``) ``pk``."""
        if kind == "category":
            return self.filter(Q(category_id=pk) | Q(category__parent_id=pk))
        if kind == "location":
            return self.filter(location_id=pk)
        raise ValueError(f"unknown kind {kind!r}")

    def visible_to_parents(self) -> ServiceQuerySet:
        """What parents may see: active and temporarily closed entries (the latter marked so)."""
        return self.filter(VISIBLE_TO_PARENTS)

    def open_at(self, when: dt.datetime) -> ServiceQuerySet:
        """Services open at ``when`` (local time), computed in the database; the same rule as
        ``Service.is_open_at``."""
        return self.filter(open_at_condition(when))

    def open_nights_or_weekends(self) -> ServiceQuerySet:
        """夜間・休日: some weekly period on Saturday/Sunday, or one that closes after 19:00 or past midnight."""
        late = WeeklyHours.objects.filter(service=OuterRef("pk")).filter(
            Q(weekday__gte=5) | Q(closes_at__gt=EVENING) | Q(closes_at__lte=F("opens_at"))
        )
        return self.filter(Exists(late))

    def for_age_months(self, months: int) -> ServiceQuerySet:
        """Eligible for a child of ``months`` whole months (the same rule as ``accepts_age_months``);
        entries without any age limit are for everyone."""
        return self.filter(
            (Q(min_age_months__isnull=True) | Q(min_age_months__lte=months))
            & (Q(max_age_months__isnull=True) | Q(max_age_months__gt=months))
        )


class Service(models.Model):
    """サービス: one directory entry a family can use.

    ``published`` is False for entries that another app keeps hidden until approved (e.g. a hub
    under review); parents never see those.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("実施中")
        TEMPORARILY_CLOSED = "temporarily_closed", _("休止中")
        ENDED = "ended", _("終了")

    organization = models.ForeignKey(
        Organization, verbose_name=_("運営主体"), on_delete=models.PROTECT, related_name="services"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="services"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("種別"), on_delete=models.PROTECT, related_name="services"
    )
    source_id = models.CharField(
        _("データID"),
        max_length=50,
        unique=True,
        null=True,
        blank=True,
        help_text=_("オープンデータ（子育て施設一覧）のID。一括登録で同じIDの行はこのサービスを更新します。"),
    )
    name = models.CharField(_("名称"), max_length=200)
    name_kana = models.CharField(
        _("名称（よみ）"),
        max_length=300,
        blank=True,
        help_text=_("ひらがなまたはカタカナ。空欄なら自動で読みを付けます。固有名詞は確認してください。"),
    )
    description = models.TextField(_("説明"), blank=True)
    # English shown on English pages when the city gives it (portal.i18n.localized); empty shows the
    # Japanese, never a machine translation.
    name_en = models.CharField(_("名称（英語）"), max_length=200, blank=True)
    description_en = models.TextField(_("説明（英語）"), blank=True)
    # Eligibility (対象). Ages in whole months of the child on the day of use; max is exclusive
    # (0–36 means "under 3 years").
    min_age_months = models.PositiveSmallIntegerField(_("対象年齢（下限・月）"), null=True, blank=True)
    max_age_months = models.PositiveSmallIntegerField(_("対象年齢（上限・月未満）"), null=True, blank=True)
    # The age as the facility list writes it (受入年齢), shown to parents; the month range above is
    # what the age filter uses and stays empty when the text cannot be read (facilities.notation).
    age_text = models.CharField(_("受入年齢（表記）"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("収容定員"), null=True, blank=True)
    for_pregnant = models.BooleanField(_("妊娠中の方も対象"), default=False)
    residents_only = models.BooleanField(_("市民のみ"), default=False)
    # None: the cost is not known (an imported list without it); never shown or filtered as 無料.
    is_free = models.BooleanField(_("無料"), null=True, default=True)
    fee = models.CharField(_("料金"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    url = models.URLField(_("ウェブサイト"), blank=True)
    bookable_online = models.BooleanField(_("ネット予約"), default=False)
    walk_in = models.BooleanField(_("予約なしで利用可"), default=False)
    closed_on_holidays = models.BooleanField(
        _("祝日は休み"),
        default=True,
        help_text=_("祝日は曜日の営業時間を使わず休みにします。24時間・年中無休のサービスは外してください。"),
    )
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    published = models.BooleanField(_("公開"), default=True)
    # Empty when nobody has confirmed the entry (an import without 情報確認日): never "today" by default.
    last_checked = models.DateField(_("情報確認日"), null=True, blank=True, default=dt.date.today)
    hours_notes = models.TextField(_("利用可能日時の特記事項"), blank=True)
    remarks = models.TextField(_("備考"), blank=True)
    # Columns of the open-data list the portal does not use itself (内線番号, FAX番号, 認可等年月日,
    # 一時預かりの有無, 名称_英語 …), kept as written so the export gives them back.
    open_data = models.JSONField(_("オープンデータの他の項目"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Search data, kept by save() and reindex_services() (see facilities.search_data):
    # normalized name and reading (ranking; the reading is also the 五十音 order of results), all
    # searchable text (one field a line), and its 1- and 2-character grams (an array with a GIN index
    # on PostgreSQL, see facilities.fields.GramsField and migration 0007).
    search_name = CodePointTextField(editable=False, default="")
    search_reading = CodePointTextField(editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    search_grams = GramsField(editable=False, default="")

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name_kana", "name"]
        indexes = [
            # The 五十音 order of what parents see, walked tier by tier by facilities.search; with the
            # name index also the exact and prefix look-ups of the name tiers (code-point collation).
            models.Index(
                fields=["search_reading", "id"], name="service_visible_reading", condition=VISIBLE_TO_PARENTS
            ),
            models.Index(fields=["search_name"], name="service_visible_name", condition=VISIBLE_TO_PARENTS),
        ]
        verbose_name = _("サービス")
        verbose_name_plural = _("サービス")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_age_months__isnull=True)
                | models.Q(max_age_months__isnull=True)
                | models.Q(min_age_months__lt=models.F("max_age_months")),
                name="service_age_range_ordered",
                violation_error_message=_("対象年齢の下限は上限より小さくしてください。"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.name_kana.strip():
            self.name_kana = reading_of(self.name)
        set_search_data(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_kana", *SEARCH_DATA_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("facilities:service_detail", kwargs={"pk": self.pk})

    def hours_on(self, day: dt.date) -> list[tuple[dt.time, dt.time]]:
        """The opening periods that start on ``day``: its SpecialHours when it has any, else the weekly
        hours, none on a 祝日 when ``closed_on_holidays``. Uses the hours ``attach_opening_hours`` gave,
        else prefetched hours when present."""
        weekly, special = self.__dict__.get("opening_hours") or (
            self.weekly_hours.all(),
            self.special_hours.all(),
        )
        specials = [s for s in special if s.date == day]
        if specials:
            return [(s.opens_at, s.closes_at) for s in specials if not s.is_closed]
        if self.closed_on_holidays and is_public_holiday(day):
            return []
        return [(w.opens_at, w.closes_at) for w in weekly if w.weekday == day.weekday()]

    def is_open_at(self, when: dt.datetime) -> bool:
        """営業中か: whether ``when`` (local time) falls in a period of that day, or in the after-midnight
        part of an overnight period of the day before. A 休止中 service is never open."""
        if self.status == self.Status.TEMPORARILY_CLOSED:
            return False
        when = _local(when)
        t = when.time()
        for opens, closes in self.hours_on(when.date()):
            if opens <= t and (t < closes or closes <= opens):
                return True
        yesterday = when.date() - dt.timedelta(days=1)
        return any(closes <= opens and t < closes for opens, closes in self.hours_on(yesterday))

    def next_opening(self, after: dt.datetime, *, days: int = 7) -> dt.datetime | None:
        """When a closed service next opens, within ``days`` (None: not within them, or 休止中). Uses
        the prefetched hours, so the caller prefetches the special hours of those days."""
        if self.status == self.Status.TEMPORARILY_CLOSED:
            return None
        after = _local(after)
        for offset in range(days + 1):
            day = after.date() + dt.timedelta(days=offset)
            starts = [dt.datetime.combine(day, opens, after.tzinfo) for opens, _ in self.hours_on(day)]
            later = [start for start in starts if start > after]
            if later:
                return min(later)
        return None

    def age_range_label(self) -> str:
        return age_range_text(self.min_age_months, self.max_age_months)

    def accepts_age_months(self, months: int) -> bool:
        """Whether a child of ``months`` whole months is within the eligible range."""
        if self.min_age_months is not None and months < self.min_age_months:
            return False
        return not (self.max_age_months is not None and months >= self.max_age_months)


class WeeklyPeriod(NamedTuple):
    """A WeeklyHours row as ``attach_opening_hours`` reads it."""

    weekday: int
    opens_at: dt.time
    closes_at: dt.time


class SpecialDay(NamedTuple):
    """A SpecialHours row as ``attach_opening_hours`` reads it."""

    date: dt.date
    is_closed: bool
    opens_at: dt.time | None
    closes_at: dt.time | None


def attach_opening_hours(services: Sequence[Service], first_day: dt.date, last_day: dt.date) -> None:
    """Gives each of ``services`` its weekly hours and its special dates from ``first_day`` to
    ``last_day`` (``Service.hours_on`` and what uses it then read these), in two queries of plain
    values: a result page's 20 services have some 190 hours rows, and making model instances of them
    through ``prefetch_related`` was a fifth of the page's CPU time."""
    hours = {service.pk: ([], []) for service in services}
    weekly = WeeklyHours.objects.filter(service_id__in=hours).values_list(
        "service_id", "weekday", "opens_at", "closes_at"
    )
    for service_id, *period in weekly:
        hours[service_id][0].append(WeeklyPeriod(*period))
    special = SpecialHours.objects.filter(
        service_id__in=hours, date__range=(first_day, last_day)
    ).values_list("service_id", "date", "is_closed", "opens_at", "closes_at")
    for service_id, *day in special:
        hours[service_id][1].append(SpecialDay(*day))
    for service in services:
        service.opening_hours = hours[service.pk]


class WeeklyHours(models.Model):
    """営業時間: one opening period on one weekday. Several periods a day are several rows.

    ``closes_at`` earlier than ``opens_at`` means the period runs past midnight (トワイライトステイ).
    """

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("月曜日")
        TUESDAY = 1, _("火曜日")
        WEDNESDAY = 2, _("水曜日")
        THURSDAY = 3, _("木曜日")
        FRIDAY = 4, _("金曜日")
        SATURDAY = 5, _("土曜日")
        SUNDAY = 6, _("日曜日")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(_("曜日"), choices=Weekday.choices)
    opens_at = models.TimeField(_("開始時刻"))
    closes_at = models.TimeField(_("終了時刻"))

    class Meta:
        ordering = ["weekday", "opens_at"]
        verbose_name = _("営業時間")
        verbose_name_plural = _("営業時間")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    @property
    def overnight(self) -> bool:
        return self.closes_at <= self.opens_at


class SpecialHours(models.Model):
    """日付指定の営業: an exception to the weekly hours on one date.

    Either the service is closed that day (臨時休業, ``is_closed``), or it opens at the given times
    (臨時開設; e.g. each date of a 出張ひろば). On a date with any SpecialHours row, the weekly hours do
    not apply.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="special_hours")
    date = models.DateField(_("日付"))
    is_closed = models.BooleanField(_("休業"), default=False)
    opens_at = models.TimeField(_("開始時刻"), null=True, blank=True)
    closes_at = models.TimeField(_("終了時刻"), null=True, blank=True)
    note = models.CharField(_("備考"), max_length=200, blank=True)

    class Meta:
        ordering = ["date", "opens_at"]
        verbose_name = _("日付指定の営業")
        verbose_name_plural = _("日付指定の営業")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_closed=True)
                | models.Q(opens_at__isnull=False, closes_at__isnull=False),
                name="special_hours_open_needs_times",
                violation_error_message=_("開設する日は開始時刻と終了時刻を入れてください。"),
            )
        ]

    def __str__(self) -> str:
        if self.is_closed:
            return f"{self.date:%Y-%m-%d} {_('休業')}"
        return f"{self.date:%Y-%m-%d} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Synonym(models.Model):
    """同義語: a word parents use → a word the directory uses (ショートステイ → 子育て短期支援).

    A query word equal to ``term`` also matches ``expansion``; with ``two_way`` the other way round too
    (一時保育 ↔ 一時預かり). City staff edit this table in the admin.
    """

    term = models.CharField(_("ことば"), max_length=100)
    expansion = models.CharField(_("言いかえ"), max_length=100)
    two_way = models.BooleanField(
        _("双方向"), default=False, help_text=_("言いかえで検索したときも、ことばを含めます。")
    )
    term_normalized = models.CharField(max_length=100, editable=False, db_index=True)
    # The term's reading, so いちじほいく (typed in kana) finds what 一時保育 finds.
    term_reading = models.CharField(max_length=300, editable=False, db_index=True, default="")
    expansion_normalized = models.CharField(max_length=100, editable=False, db_index=True)
    expansion_reading = models.CharField(max_length=300, editable=False, db_index=True, default="")

    class Meta:
        ordering = ["term_normalized", "expansion_normalized"]
        verbose_name = _("同義語")
        verbose_name_plural = _("同義語")
        constraints = [
            models.UniqueConstraint(
                fields=["term_normalized", "expansion_normalized"],
                name="synonym_unique_pair",
                violation_error_message=_("同じ組み合わせの同義語がすでにあります。"),
            )
        ]

    def __str__(self) -> str:
        arrow = "↔" if self.two_way else "→"
        return f"{self.term} {arrow} {self.expansion}"

    def save(self, *args, **kwargs) -> None:
        self.term_normalized, self.expansion_normalized = normalize(self.term), normalize(self.expansion)
        self.term_reading = normalize(reading_of(self.term))
        self.expansion_reading = normalize(reading_of(self.expansion))
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        self.term_normalized, self.expansion_normalized = normalize(self.term), normalize(self.expansion)
        if not self.term_normalized or not self.expansion_normalized:
            raise ValidationError(_("ことばと言いかえの両方を入れてください。"))
        if self.term_normalized == self.expansion_normalized:
            raise ValidationError(_("ことばと言いかえが同じです。"))


class Situation(models.Model):
    """こんなときは: a parent's situation, in their own words, leading to the services that fit."""

    slug = models.SlugField(_("コード"), unique=True)
    title = models.CharField(_("見出し"), max_length=100)
    title_en = models.CharField(_("見出し（英語）"), max_length=200, blank=True)
    words = models.TextField(_("保護者のことば"), help_text=_("保護者が口にしそうなことばで書きます。"))
    words_en = models.TextField(_("保護者のことば（英語）"), blank=True)
    keywords = models.TextField(
        _("検索のことば"),
        blank=True,
        help_text=_(
            "検索でこのことばが使われたら、このこんなときはを結果の上に出します。空白や改行で区切ります。"
        ),
    )
    categories = models.ManyToManyField(Category, verbose_name=_("案内する種別"), related_name="situations")
    query = models.CharField(_("検索語"), max_length=100, blank=True)
    nights_weekends = models.BooleanField(_("夜間・休日に絞る"), default=False)
    pregnant = models.BooleanField(_("妊娠中の方向けに絞る"), default=False)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("こんなときは")
        verbose_name_plural = _("こんなときは")

    def __str__(self) -> str:
        return self.title

    def search_url(self) -> str:
        """The search page filtered for this situation (categories are prefetched by the caller)."""
        from urllib.parse import urlencode

        params: list[tuple[str, str]] = [("situation", self.slug)]
        params += [("category", c.slug) for c in self.categories.all()]
        if self.query:
            params.append(("q", self.query))
        if self.nights_weekends:
            params.append(("nights_weekends", "1"))
        if self.pregnant:
            params.append(("pregnant", "1"))
        return f"{reverse('facilities:search')}?{urlencode(params)}"


class SearchMiss(models.Model):
    """見つからなかった検索: a query for which all its words together found nothing, counted per month.

    Only the normalized query and a count are kept (no user, no time of day), and queries that look like
    personal data (digits of a phone number, an address in mail) are not kept at all. City staff read
    this to add a synonym or a situation's word (facilities.views.search_misses)."""

    month = models.DateField(_("月"))
    query = models.CharField(_("検索語"), max_length=100)
    count = models.PositiveIntegerField(_("回数"), default=0)

    class Meta:
        ordering = ["-month", "-count", "query"]
        verbose_name = _("見つからなかった検索")
        verbose_name_plural = _("見つからなかった検索")
        constraints = [
            models.UniqueConstraint(fields=["month", "query"], name="search_miss_unique_month_query")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.query} ({self.count})"


class CategoryLabel(models.Model):
    """種別の読み替え: a 種別 value as facility lists write it (認可私立保育所) → a category of ours.
    Seeded with the values of 子育て施設一覧; city staff add the values their files use."""

    label = models.CharField(_("ファイルの種別"), max_length=100)
    label_normalized = models.CharField(max_length=100, unique=True, editable=False)
    category = models.ForeignKey(Category, verbose_name=_("サービス種別"), on_delete=models.CASCADE)

    class Meta:
        ordering = ["label_normalized"]
        verbose_name = _("種別の読み替え")
        verbose_name_plural = _("種別の読み替え")

    def __str__(self) -> str:
        return f"{self.label} → {self.category}"

    def save(self, *args, **kwargs) -> None:
        self.label_normalized = normalize(self.label)
        super().save(*args, **kwargs)


class TownArea(models.Model):
    """町字 → 地区: which district an address in a 町字 belongs to; the importer picks the longest match."""

    town = models.CharField(
        _("町字"), max_length=100, help_text=_("住所に含まれる町・字の名前（例: 中央一丁目、本町）。")
    )
    area = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.CASCADE, related_name="towns")

    class Meta:
        ordering = ["town"]
        verbose_name = _("町字と地区")
        verbose_name_plural = _("町字と地区")
        constraints = [
            models.UniqueConstraint(
                fields=["town"],
                name="town_area_unique",
                violation_error_message=_("この町字はすでにあります。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.town} → {self.area}"


class ColumnMapping(models.Model):
    """列の対応: a file layout the clerk mapped by hand, remembered by its header row."""

    header_key = models.CharField(max_length=64, unique=True)
    header = models.JSONField(_("見出し"))
    mapping = models.JSONField(_("対応"), help_text=_("列の見出し → 項目（空欄は取り込まない）"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("列の対応")
        verbose_name_plural = _("列の対応")

    def __str__(self) -> str:
        return ", ".join(self.header[:5])


class ImportBatch(models.Model):
    """一括登録: one uploaded file from preview to import. The database is the job's source of truth:
    a task claims the batch by its status, so running it twice does nothing the second time."""

    class Status(models.TextChoices):
        NEEDS_MAPPING = "needs_mapping", _("列の対応待ち")
        CHECKING = "checking", _("確認中")
        PREVIEW = "preview", _("確認結果")
        IMPORTING = "importing", _("登録中")
        DONE = "done", _("登録済み")
        FAILED = "failed", _("登録できませんでした")

    created_by = models.ForeignKey(
        "portal.User", verbose_name=_("登録者"), on_delete=models.PROTECT, related_name="import_batches"
    )
    filename = models.CharField(_("ファイル名"), max_length=255)
    data = models.BinaryField(editable=False)
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.CHECKING)
    mapping = models.JSONField(default=dict, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    # Why a step failed: a key of importing.FILE_PROBLEMS (its parameters in report["problem"]), shown
    # in the reader's language.
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("一括登録")
        verbose_name_plural = _("一括登録")

    def __str__(self) -> str:
        return self.filename

    @property
    def problem(self) -> str:
        """The failure in the active language (FILE_PROBLEMS), or "" when the batch did not fail."""
        # Imported here: loading the importer package imports these models.
        from facilities.importing.problems import FileProblem

        if not self.message:
            return ""
        return FileProblem(self.message, **self.report.get("problem", {})).message

    @property
    def running(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.IMPORTING}
