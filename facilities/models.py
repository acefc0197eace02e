"""The directory (子育て支援サービスの案内), after Open Referral HSDS adapted to a Japanese city.

Organization (運営主体) runs Services (サービス) at Locations (所在地). Hubs (hubs.Hub) and user-support
sites (consultations.UserSupportSite) are Services of this directory, linked one-to-one, not copies.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """地区: the city's districts, used for filters and the planning statistics."""

    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("地区名"), max_length=50)
    name_kana = models.CharField(_("地区名（よみ）"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("地区")
        verbose_name_plural = _("地区")

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """サービス種別. Seeded from DOMAIN.md; city staff may add more. A child narrows its parent
    (子育て短期支援 → ショートステイ / トワイライトステイ)."""

    slug = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上位の種別"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    description = models.TextField(_("説明"), blank=True)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("サービス種別")
        verbose_name_plural = _("サービス種別")

    def __str__(self) -> str:
        return self.name


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
    area = models.ForeignKey(Area, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="locations")
    latitude = models.DecimalField(_("緯度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("経度"), max_digits=9, decimal_places=6, null=True, blank=True)
    access_notes = models.TextField(_("アクセス"), blank=True)
    barrier_free_notes = models.TextField(_("バリアフリー情報"), blank=True)

    class Meta:
        ordering = ["name_kana", "name"]
        verbose_name = _("所在地")
        verbose_name_plural = _("所在地")

    def __str__(self) -> str:
        return self.name


class ServiceQuerySet(models.QuerySet["Service"]):
    def visible_to_parents(self) -> ServiceQuerySet:
        """What parents may see: active and temporarily closed entries (the latter marked so)."""
        return self.exclude(status=Service.Status.ENDED).exclude(published=False)


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
    location = models.ForeignKey(Location, verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="services")
    category = models.ForeignKey(Category, verbose_name=_("種別"), on_delete=models.PROTECT, related_name="services")
    name = models.CharField(_("名称"), max_length=200)
    name_kana = models.CharField(
        _("名称（よみ）"),
        max_length=300,
        blank=True,
        help_text=_("ひらがなまたはカタカナ。空欄なら自動で読みを付けます。固有名詞は確認してください。"),
    )
    description = models.TextField(_("説明"), blank=True)
    # Eligibility (対象). Ages in whole months of the child on the day of use; max is exclusive
    # (0–36 means "under 3 years").
    min_age_months = models.PositiveSmallIntegerField(_("対象年齢（下限・月）"), null=True, blank=True)
    max_age_months = models.PositiveSmallIntegerField(_("対象年齢（上限・月未満）"), null=True, blank=True)
    for_pregnant = models.BooleanField(_("妊娠中の方も対象"), default=False)
    residents_only = models.BooleanField(_("市民のみ"), default=False)
    is_free = models.BooleanField(_("無料"), default=True)
    fee = models.CharField(_("料金"), max_length=200, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    url = models.URLField(_("ウェブサイト"), blank=True)
    bookable_online = models.BooleanField(_("ネット予約"), default=False)
    walk_in = models.BooleanField(_("予約なしで利用可"), default=False)
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    published = models.BooleanField(_("公開"), default=True)
    last_checked = models.DateField(_("情報確認日"), default=dt.date.today)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name_kana", "name"]
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

    def accepts_age_months(self, months: int) -> bool:
        """Whether a child of ``months`` whole months is within the eligible range."""
        if self.min_age_months is not None and months < self.min_age_months:
            return False
        return not (self.max_age_months is not None and months >= self.max_age_months)


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

    @property
    def duration(self) -> dt.timedelta:
        """Length of the period; an overnight period wraps past midnight."""
        start = dt.datetime.combine(dt.date.min, self.opens_at)
        end = dt.datetime.combine(dt.date.min, self.closes_at)
        if self.overnight:
            end += dt.timedelta(days=1)
        return end - start


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
                condition=models.Q(is_closed=True) | models.Q(opens_at__isnull=False, closes_at__isnull=False),
                name="special_hours_open_needs_times",
                violation_error_message=_("開設する日は開始時刻と終了時刻を入れてください。"),
            )
        ]

    def __str__(self) -> str:
        if self.is_closed:
            return f"{self.date:%Y-%m-%d} {_('休業')}"
        return f"{self.date:%Y-%m-%d} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"
