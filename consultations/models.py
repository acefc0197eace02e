"""Case records of 利用者支援専門員 (user-support specialists) and their sites.

A case (相談ケース) is one household's consultation history at one site. Contacts (相談対応) carry the
needs and actions that the monthly statistics count; referrals (紹介) point into the directory
(``facilities.Service``) or record that no suitable service exists (社会資源の開発 signal).
Every read, change and export of a case writes a ``portal.AuditEntry`` (append-only).
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from facilities.text import normalize
from portal import dates
from portal.models import Role


class SiteType(models.Model):
    """類型: 基本型, 特定型 (seeded); a city adds 母子保健型 / こども家庭センター型 as rows, not code."""

    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("名称"), max_length=50)
    does_regional_cooperation = models.BooleanField(
        _("地域連携を行う"), default=False, help_text=_("基本型のように、施設で地域連携も行う類型。")
    )
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("類型")
        verbose_name_plural = _("類型")

    def __str__(self) -> str:
        return gettext(self.name)  # seeded names have English; names a city adds pass through


class UserSupportSite(models.Model):
    """利用者支援事業の実施場所. It *is* a directory entry (``service``), not a copy of one."""

    service = models.OneToOneField(
        "facilities.Service",
        verbose_name=_("案内ページ（サービス）"),
        on_delete=models.PROTECT,
        related_name="user_support_site",
    )
    site_type = models.ForeignKey(
        SiteType, verbose_name=_("類型"), on_delete=models.PROTECT, related_name="sites"
    )
    # The hub's directory entry rather than hubs.Hub: the hub registry is its own app, and the
    # directory entry is what both share.
    hub_service = models.ForeignKey(
        "facilities.Service",
        verbose_name=_("実施している拠点"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user_support_sites_hosted",
    )

    class Meta:
        ordering = ["service__name_kana"]
        verbose_name = _("利用者支援事業の実施場所")
        verbose_name_plural = _("利用者支援事業の実施場所")

    def __str__(self) -> str:
        return self.service.name

    @property
    def name(self) -> str:
        return self.service.name

    def clean(self) -> None:
        errors = {}
        if self.service_id and not self.service.category.slug.startswith("user-support"):
            errors["service"] = _("利用者支援事業の種別のサービスを選んでください。")
        if self.hub_service_id and self.hub_service.category.slug != "hub":
            errors["hub_service"] = _("地域子育て支援拠点のサービスを選んでください。")
        if errors:
            raise ValidationError(errors)


class Specialist(models.Model):
    """利用者支援専門員: a specialist account working at one site; the lead (主任) gets the reports."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("アカウント"),
        on_delete=models.CASCADE,
        related_name="specialist",
    )
    site = models.ForeignKey(
        UserSupportSite, verbose_name=_("実施場所"), on_delete=models.PROTECT, related_name="specialists"
    )
    is_lead = models.BooleanField(_("主任"), default=False)

    class Meta:
        verbose_name = _("利用者支援専門員")
        verbose_name_plural = _("利用者支援専門員")

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        if self.user_id and self.user.role != Role.SPECIALIST:
            raise ValidationError({"user": _("役割が利用者支援専門員のアカウントを選んでください。")})


class Need(models.Model):
    """ニーズ分類: what a family needs, counted in the statistics. Seeded; a city may add rows."""

    code = models.SlugField(_("コード"), unique=True)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(_("表示順"), default=0)
    is_active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("ニーズ分類")
        verbose_name_plural = _("ニーズ分類")

    def __str__(self) -> str:
        return gettext(self.name)  # seeded names have English; names a city adds pass through


def retention_cutoff(day: dt.date) -> dt.date:
    """Cases closed before this date have passed the retention period on ``day`` (保存期間)."""
    return dates.add_months(day, -12 * settings.CONSULTATION_RETENTION_YEARS)


class CaseQuerySet(models.QuerySet["Case"]):
    def for_site(self, site: UserSupportSite) -> CaseQuerySet:
        return self.filter(site=site)

    def due_for_erasure(self, day: dt.date) -> CaseQuerySet:
        """Closed cases that may be anonymized on ``day``: the closing date is older than the
        retention period *and* the close was recorded at least ``ERASURE_GRACE_DAYS`` before."""
        recorded_before = dt.datetime.combine(
            day - dt.timedelta(days=Case.ERASURE_GRACE_DAYS - 1), dt.time.min, timezone.get_current_timezone()
        )
        return self.filter(
            status=Case.Status.CLOSED,
            anonymized_at__isnull=True,
            closed_on__lt=retention_cutoff(day),
            closed_recorded_at__lt=recorded_before,
        )


class Case(models.Model):
    """相談ケース: one household's consultation history at one site."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("受付")
        IN_PROGRESS = "in_progress", _("対応中")
        CLOSED = "closed", _("終結")

    class ClosingReason(models.TextChoices):
        RESOLVED = "resolved", _("解決・利用につながった")
        HANDED_OVER = "handed_over", _("関係機関へ引継ぎ")
        MOVED_AWAY = "moved_away", _("転出")
        NO_CONTACT = "no_contact", _("連絡が取れない")
        OTHER = "other", _("その他")
        MERGED = "merged", _("別のケースに統合")

    site = models.ForeignKey(
        UserSupportSite, verbose_name=_("実施場所"), on_delete=models.PROTECT, related_name="cases"
    )
    area = models.ForeignKey(
        "facilities.Area",
        verbose_name=_("地区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    closing_reason = models.CharField(
        _("終結の理由"), max_length=20, choices=ClosingReason.choices, blank=True
    )
    closed_on = models.DateField(_("終結日"), null=True, blank=True)
    # When the close was recorded (not the date typed): erasure waits 30 days after it (#11.3).
    closed_recorded_at = models.DateTimeField(_("終結を記録した日時"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("統合先のケース"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
    )
    due_date = models.DateField(_("出産予定日"), null=True, blank=True, help_text=_("妊娠中の場合"))
    parent_account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ポータルのアカウント"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"role": Role.PARENT},
    )
    booking_consent_on = models.DateField(
        _("代理予約の同意日"), null=True, blank=True, help_text=_("保護者が代理予約に同意した日")
    )
    anonymized_at = models.DateTimeField(_("匿名化日時"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("受付者")
    )
    created_at = models.DateTimeField(_("受付日時"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    # 匿名化の猶予: a close is on record this long before erasure, so a mistyped closing date can be
    # corrected and city staff see the case on the list of coming erasures first (#11.3).
    ERASURE_GRACE_DAYS = 30

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("相談ケース")
        verbose_name_plural = _("相談ケース")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed")
                | models.Q(closed_on__isnull=False) & ~models.Q(closing_reason=""),
                name="case_closed_has_reason_and_date",
                violation_error_message=_("終結には終結日と理由が必要です。"),
            ),
            dates.sane_constraint("closed_on"),
            dates.sane_constraint("closed_recorded_at", moment=True),
            dates.sane_constraint("due_date"),
            dates.sane_constraint("booking_consent_on"),
            dates.sane_constraint("created_at", moment=True),
        ]

    def __str__(self) -> str:
        return _("ケース %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        return f"{self.pk:05d}" if self.pk else "-"

    @property
    def is_pregnant(self) -> bool:
        return self.due_date is not None

    @property
    def can_book_for_parent(self) -> bool:
        """代理予約: only with a portal account and a recorded consent."""
        return self.parent_account_id is not None and self.booking_consent_on is not None

    @property
    def is_read_only(self) -> bool:
        """終結・匿名化したケースは閲覧のみ: nothing is added or changed until it is reopened."""
        return self.status == self.Status.CLOSED or self.anonymized_at is not None

    @property
    def read_only_reason(self) -> str:
        if self.anonymized_at is not None:
            return gettext("匿名化したケースは変更できません。")
        return gettext("終結したケースは変更できません。変更するには、先にケースを再開してください。")

    @property
    def erasure_on(self) -> dt.date | None:
        """匿名化予定日: the first night the case is due for erasure (None unless closed and recorded)."""
        if self.status != self.Status.CLOSED or self.anonymized_at or not self.closed_recorded_at:
            return None
        after_retention = dates.add_months(self.closed_on, 12 * settings.CONSULTATION_RETENTION_YEARS)
        after_grace = timezone.localdate(self.closed_recorded_at) + dt.timedelta(days=self.ERASURE_GRACE_DAYS)
        return max(after_retention + dt.timedelta(days=1), after_grace)

    def first_contact_on(self) -> dt.date | None:
        first = self.contacts.aggregate(first=models.Min("contacted_at"))["first"]
        return timezone.localdate(first) if first else None

    def clean(self) -> None:
        messages = {
            "booking_consent_on": dates.PAST.error(self.booking_consent_on),
            "due_date": dates.DUE.error(self.due_date, stored=dates.stored_value(self, "due_date")),
            "closed_on": dates.PAST.error(self.closed_on),
            # Not a field of the case form: an unchanged 受付日時 is not checked again (it would be
            # an error the form cannot show).
            "created_at": dates.past_moment_error(
                self.created_at, stored=dates.stored_value(self, "created_at")
            ),
        }
        if self.booking_consent_on and not self.parent_account_id:
            messages["booking_consent_on"] = _("同意日はポータルのアカウントと一緒に記録してください。")
        if self.closed_on and not messages["closed_on"] and self.pk:
            first = self.first_contact_on()
            if first and self.closed_on < first:
                messages["closed_on"] = _("終結日は最初の相談日（%(date)s）より前にはできません。") % {
                    "date": first.isoformat()
                }
        if errors := {name: message for name, message in messages.items() if message}:
            raise ValidationError(errors)


class Guardian(models.Model):
    """保護者: a guardian in the household."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="guardians")
    name = models.CharField(_("保護者の氏名"), max_length=100, blank=True)
    name_kana = models.CharField(_("よみがな"), max_length=100, blank=True)
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    # Digits only, for the duplicate-household hint and search ("090-1234-5678" = "09012345678").
    phone_digits = models.CharField(max_length=30, blank=True, db_index=True, editable=False)
    # The reading in search form (katakana → hiragana, widths folded, spaces dropped).
    kana_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    # The name in the same search form: 「山本 さくら」 = 「山本さくら」 (the duplicate check).
    name_key = models.CharField(max_length=100, blank=True, db_index=True, editable=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("保護者")
        verbose_name_plural = _("保護者")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.phone_digits = digits(self.phone)
        self.kana_key = normalize(self.name_kana)
        self.name_key = normalize(self.name)
        super().save(*args, **kwargs)


class Child(models.Model):
    """子ども: a child in the household of a case (相談記録), as the specialist records it.

    Not ``facilities.bookings.models.Child``, the profile a parent keeps for booking: a case's
    household may have no portal account, and its child is anonymized with the case (the name
    removed, the birth date kept to the month); the two are never linked."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(_("子どもの名前"), max_length=100, blank=True)
    birth_date = models.DateField(_("生年月日"))

    class Meta:
        ordering = ["birth_date"]
        verbose_name = _("子ども")
        verbose_name_plural = _("子ども")
        constraints = [dates.sane_constraint("birth_date")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if message := dates.BIRTH.error(self.birth_date, stored=dates.stored_value(self, "birth_date")):
            raise ValidationError({"birth_date": message})


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("来所")
    PHONE = "phone", _("電話")
    EMAIL = "email", _("メール")
    ONLINE = "online", _("オンライン")
    OUTREACH = "outreach", _("アウトリーチ")
    HOME_VISIT = "home_visit", _("訪問")


class Action(models.TextChoices):
    INFORMATION = "information", _("情報提供")
    ADVICE = "advice", _("助言")
    USAGE_SUPPORT = "usage_support", _("利用支援")
    REFERRAL = "referral", _("関係機関へのつなぎ")


class Contact(models.Model):
    """相談対応: one consultation (来所, 電話, ...) with its needs, actions and notes."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    contacted_at = models.DateTimeField(_("相談日時"))
    channel = models.CharField(_("方法"), max_length=20, choices=Channel.choices)
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("対応者"), on_delete=models.PROTECT, related_name="+"
    )
    needs = models.ManyToManyField(Need, verbose_name=_("ニーズ"), related_name="contacts")
    notes = models.TextField(_("記録"), blank=True)

    class Meta:
        ordering = ["-contacted_at"]
        verbose_name = _("相談対応")
        verbose_name_plural = _("相談対応")
        constraints = [dates.sane_constraint("contacted_at", moment=True)]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.contacted_at):%Y-%m-%d %H:%M} {self.get_channel_display()}"

    def clean(self) -> None:
        if message := dates.past_moment_error(self.contacted_at):
            raise ValidationError({"contacted_at": message})

    @property
    def action_labels(self) -> list[str]:
        return [Action(a.action).label for a in self.actions.all()]


class ContactAction(models.Model):
    """対応内容: one action taken in a contact (情報提供, 助言, 利用支援, 関係機関へのつなぎ)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(_("対応内容"), max_length=20, choices=Action.choices)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["contact", "action"], name="contact_action_unique")]

    def __str__(self) -> str:
        return self.get_action_display()


class Referral(models.Model):
    """紹介: a directory service the family was sent to, or "no suitable service" for a need."""

    class Outcome(models.TextChoices):
        REFERRED = "referred", _("紹介した")
        USED = "used", _("利用につながった")
        NOT_USED = "not_used", _("つながらなかった")
        NO_SERVICE = "no_service", _("適切なサービスがない")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="referrals", null=True, blank=True
    )
    need = models.ForeignKey(
        Need, verbose_name=_("ニーズ"), on_delete=models.PROTECT, related_name="referrals"
    )
    service = models.ForeignKey(
        "facilities.Service",
        verbose_name=_("紹介先"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultation_referrals",
    )
    outcome = models.CharField(_("結果"), max_length=20, choices=Outcome.choices, default=Outcome.REFERRED)
    referred_on = models.DateField(_("紹介日"))
    outcome_on = models.DateField(_("結果の確認日"), null=True, blank=True)
    note = models.CharField(_("メモ"), max_length=300, blank=True)
    # 代理予約: a session the specialist booked for the family at the referred service.
    booking = models.ForeignKey(
        "bookings.Booking",
        verbose_name=_("代理予約"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["referred_on", "pk"]
        verbose_name = _("紹介")
        verbose_name_plural = _("紹介")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="no_service", service__isnull=True)
                | (~models.Q(outcome="no_service") & models.Q(service__isnull=False)),
                name="referral_service_unless_no_service",
                violation_error_message=_("紹介先を選ぶか、「適切なサービスがない」を選んでください。"),
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome__in=["used", "not_used"]) | models.Q(outcome_on__isnull=False),
                name="referral_outcome_has_date",
                violation_error_message=_("結果には確認日が必要です。"),
            ),
            dates.sane_constraint("referred_on"),
            dates.sane_constraint("outcome_on"),
        ]

    def __str__(self) -> str:
        return str(self.service or self.get_outcome_display())

    def clean(self) -> None:
        messages = {
            "referred_on": dates.PAST.error(self.referred_on),
            "outcome_on": dates.PAST.error(self.outcome_on),
        }
        if (
            not any(messages.values())
            and self.outcome_on
            and self.referred_on
            and self.outcome_on < self.referred_on
        ):
            messages["outcome_on"] = _("結果の確認日は紹介日より後にしてください。")
        if errors := {name: message for name, message in messages.items() if message}:
            raise ValidationError(errors)


class FollowUp(models.Model):
    """フォローアップ: something to do for the case by a date (電話で様子を聞く, ...)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="follow_ups", null=True, blank=True
    )
    due_on = models.DateField(_("期日"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("担当者"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("内容"), max_length=300)
    done_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("フォローアップ")
        verbose_name_plural = _("フォローアップ")
        constraints = [dates.sane_constraint("due_on"), dates.sane_constraint("done_at", moment=True)]

    def __str__(self) -> str:
        return self.description

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_done and self.due_on < timezone.localdate()

    def clean(self) -> None:
        if message := dates.FOLLOW_UP.error(self.due_on, stored=dates.stored_value(self, "due_on")):
            raise ValidationError({"due_on": message})


class CooperationActivity(models.Model):
    """地域連携の記録: a meeting or network activity with agencies (基本型 sites)."""

    site = models.ForeignKey(UserSupportSite, on_delete=models.PROTECT, related_name="cooperation_activities")
    held_on = models.DateField(_("実施日"))
    partners = models.CharField(_("連携先"), max_length=300)
    topic = models.CharField(_("テーマ"), max_length=200)
    outcome = models.TextField(_("結果・今後の対応"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("地域連携の記録")
        verbose_name_plural = _("地域連携の記録")
        constraints = [dates.sane_constraint("held_on")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"

    def clean(self) -> None:
        errors = {}
        if self.site_id and not self.site.site_type.does_regional_cooperation:
            errors["site"] = _("この類型の実施場所では地域連携の記録はつけません（市が行います）。")
        if message := dates.PAST.error(self.held_on):
            errors["held_on"] = message
        if errors:
            raise ValidationError(errors)


def digits(value: str) -> str:
    """Only the ASCII digits of a phone number (full-width digits are folded first)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if ch.isascii() and ch.isdigit())


# How a parent may ask to be contacted (a subset of the channels the statistics count).
REQUEST_CHANNELS = (Channel.PHONE, Channel.ONLINE, Channel.WALK_IN)


class ConsultationRequest(models.Model):
    """相談の申し込み: a parent asks a 利用者支援 site for a consultation, with a short worry and how
    they want to be contacted, without any child profile. It waits in the site's intake (受付) as a
    pending contact until a specialist takes it up; the parent's consent to share it with the site's
    specialists is recorded with the time it was given."""

    class Status(models.TextChoices):
        PENDING = "pending", _("未対応")
        TAKEN = "taken", _("対応済み")

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("保護者"),
        on_delete=models.CASCADE,
        related_name="consultation_requests",
    )
    site = models.ForeignKey(
        UserSupportSite, verbose_name=_("相談先"), on_delete=models.PROTECT, related_name="requests"
    )
    worry = models.TextField(_("相談したいこと"), max_length=400)
    contact_by = models.CharField(
        _("連絡の方法"), max_length=20, choices=[(c.value, c.label) for c in REQUEST_CHANNELS]
    )
    phone = models.CharField(_("電話番号"), max_length=30, blank=True)
    consent_at = models.DateTimeField(_("共有への同意日時"))
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("申込日時"), default=timezone.now)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("対応者"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_at = models.DateTimeField(_("対応日時"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("相談の申し込み")
        verbose_name_plural = _("相談の申し込み")

    def __str__(self) -> str:
        return f"{timezone.localtime(self.created_at):%Y-%m-%d %H:%M} {self.get_contact_by_display()}"

    def clean(self) -> None:
        if not self.worry.strip():
            raise ValidationError({"worry": _("相談したいことを短く書いてください。")})
        if self.contact_by == Channel.PHONE and not self.phone.strip():
            raise ValidationError({"phone": _("電話での連絡を希望するときは、電話番号を入れてください。")})
