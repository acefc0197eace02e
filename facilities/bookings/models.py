"""予約: bookable sessions (回) of directory services, children's profiles and bookings.

A Session is one dated occurrence a family can book: a 一時預かり slot, a hub event or 講習, a
出張ひろば day, or a one-seat consultation appointment with a 利用者支援専門員. Capacity is enforced
by the services in ``services.py`` under a row lock on the session; the models hold the rules that
do not depend on other rows.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.bookings import kinds
from facilities.bookings.kinds import SessionKindPolicy
from facilities.models import Service, WeeklyHours, age_text
from portal import dates


def age_in_months(birth_date: dt.date, on: dt.date) -> int:
    """Whole months of age on ``on``.

    A month is complete on the same day-of-month as the birth date; when that day does not exist
    (born on the 31st), the month completes on the last day of the shorter month.
    """
    months = (on.year - birth_date.year) * 12 + (on.month - birth_date.month)
    last_day = calendar.monthrange(on.year, on.month)[1]
    if on.day < birth_date.day and on.day != last_day:
        months -= 1
    return months


class Child(models.Model):
    """お子さんの情報: a child of a parent, or a pregnancy (妊娠中, with the due date)."""

    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("保護者"), on_delete=models.CASCADE, related_name="children"
    )
    nickname = models.CharField(_("呼び名"), max_length=50)
    birth_date = models.DateField(_("生年月日"), null=True, blank=True)
    is_pregnancy = models.BooleanField(_("妊娠中"), default=False)
    due_date = models.DateField(_("出産予定日"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["is_pregnancy", "birth_date", "id"]
        verbose_name = _("お子さん")
        verbose_name_plural = _("お子さん")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_pregnancy=True, due_date__isnull=False, birth_date__isnull=True)
                | models.Q(is_pregnancy=False, birth_date__isnull=False, due_date__isnull=True),
                name="child_birth_or_due_date",
                violation_error_message=_("お子さんは生年月日、妊娠中の方は出産予定日を入れてください。"),
            )
        ]

    def __str__(self) -> str:
        return self.nickname

    def clean(self) -> None:
        # Ranges from portal.dates, checked on a changed value only: a profile saved with a right
        # date stays editable as time passes.
        if self.is_pregnancy:
            if not self.due_date:
                raise ValidationError({"due_date": _("出産予定日を入れてください。")})
            if message := dates.DUE_PROFILE.error(self.due_date, stored=dates.stored_value(self, "due_date")):
                raise ValidationError({"due_date": message})
            self.birth_date = None
        else:
            if not self.birth_date:
                raise ValidationError({"birth_date": _("生年月日を入れてください。")})
            if message := dates.BIRTH.error(self.birth_date, stored=dates.stored_value(self, "birth_date")):
                raise ValidationError({"birth_date": message})
            self.due_date = None

    def due_date_passed(self, today: dt.date | None = None) -> bool:
        """妊娠中 with the due date behind us: time to turn the profile into the child's."""
        return (
            self.is_pregnancy
            and self.due_date is not None
            and self.due_date < (today or timezone.localdate())
        )

    def age_months_on(self, day: dt.date) -> int | None:
        return None if self.is_pregnancy else age_in_months(self.birth_date, day)


class SessionSeries(models.Model):
    """毎週の回: a weekly series of sessions, created together; one date can be cancelled alone."""

    service = models.ForeignKey(
        Service, verbose_name=_("サービス"), on_delete=models.CASCADE, related_name="session_series"
    )
    title = models.CharField(_("内容"), max_length=100, blank=True)
    weekday = models.PositiveSmallIntegerField(_("曜日"), choices=WeeklyHours.Weekday.choices)
    start_time = models.TimeField(_("開始時刻"))
    end_time = models.TimeField(_("終了時刻"))
    first_date = models.DateField(_("初回"))
    last_date = models.DateField(_("最終回"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-first_date"]
        verbose_name = _("毎週の回")
        verbose_name_plural = _("毎週の回")

    def __str__(self) -> str:
        return f"{self.service} {self.title} ({self.first_date:%Y-%m-%d}–{self.last_date:%Y-%m-%d})"


class SessionQuerySet(models.QuerySet["Session"]):
    def with_seats(self) -> SessionQuerySet:
        """Annotate ``confirmed_count``, ``waitlist_count`` and ``seats_left`` in the database."""
        confirmed = models.Count("bookings", filter=models.Q(bookings__status=Booking.Status.CONFIRMED))
        waitlisted = models.Count("bookings", filter=models.Q(bookings__status=Booking.Status.WAITLISTED))
        return self.annotate(confirmed_count=confirmed, waitlist_count=waitlisted).annotate(
            seats_left=models.functions.Greatest(models.F("capacity") - models.F("confirmed_count"), 0)
        )

    def upcoming(self) -> SessionQuerySet:
        return self.filter(status=Session.Status.SCHEDULED, starts_at__gt=timezone.now())


class Session(models.Model):
    """予約枠（回）: one bookable, dated occurrence of a service.

    Booking is open from ``opens_at`` until ``closes_at``; a parent may cancel until
    ``cancel_cutoff``. Ages are whole months on the session date; ``max_age_months`` is exclusive.
    ``kind`` (講座・イベント, 一時預かり, 出張ひろば, 両親学級, 相談予約, ...) decides who may book it
    and what parents read as 「対象」: see ``facilities.bookings.kinds``.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("予定")
        CANCELLED = "cancelled", _("中止")

    service = models.ForeignKey(
        Service, verbose_name=_("サービス"), on_delete=models.CASCADE, related_name="sessions"
    )
    series = models.ForeignKey(
        SessionSeries,
        verbose_name=_("毎週の回"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    kind = models.CharField(_("種類"), max_length=30, choices=kinds.choices, default="course")
    title = models.CharField(
        _("内容"), max_length=100, blank=True, help_text=_("例：ベビーマッサージ講座、一時預かり（午前）")
    )
    starts_at = models.DateTimeField(_("開始"))
    ends_at = models.DateTimeField(_("終了"))
    capacity = models.PositiveSmallIntegerField(_("定員"))
    place = models.CharField(_("場所"), max_length=200, blank=True)
    min_age_months = models.PositiveSmallIntegerField(_("対象年齢（下限・月）"), null=True, blank=True)
    max_age_months = models.PositiveSmallIntegerField(_("対象年齢（上限・月未満）"), null=True, blank=True)
    for_pregnant = models.BooleanField(_("妊娠中の方も対象"), default=False)
    opens_at = models.DateTimeField(_("予約受付開始"))
    closes_at = models.DateTimeField(_("予約受付終了"))
    cancel_cutoff = models.DateTimeField(_("キャンセル期限"))
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("利用者支援専門員"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointment_sessions",
    )
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.CharField(_("中止の理由"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("予約枠")
        verbose_name_plural = _("予約枠")
        indexes = [models.Index(fields=["service", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("終了は開始より後にしてください。"),
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1),
                name="session_capacity_positive",
                violation_error_message=_("定員は1人以上にしてください。"),
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at"), closes_at__lte=models.F("starts_at")),
                name="session_booking_window_before_start",
                violation_error_message=_("予約の受付は開始より前に、受付開始、受付終了の順にしてください。"),
            ),
            models.CheckConstraint(
                condition=models.Q(min_age_months__isnull=True)
                | models.Q(max_age_months__isnull=True)
                | models.Q(min_age_months__lt=models.F("max_age_months")),
                name="session_age_range_ordered",
                violation_error_message=_("対象年齢の下限は上限より小さくしてください。"),
            ),
        ]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        return f"{self.title or self.service.name} {start:%Y-%m-%d %H:%M}"

    @property
    def display_title(self) -> str:
        return self.title or self.service.name

    @property
    def date(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()

    def is_bookable_now(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.SCHEDULED and self.opens_at <= now < self.closes_at

    def booking_problem(self, now: dt.datetime | None = None) -> str | None:
        """Why this session cannot be booked now, in words for the parent; None when it can."""
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED:
            return str(_("この回は中止になりました。"))
        if self.starts_at <= now:
            return str(_("この回はすでに始まったか、終わっています。"))
        if now < self.opens_at:
            start = timezone.localtime(self.opens_at)
            return str(_("予約の受付は %(start)s からです。") % {"start": f"{start:%Y-%m-%d %H:%M}"})
        if now >= self.closes_at:
            return str(_("この回の予約の受付は終わりました。"))
        return None

    @property
    def policy(self) -> SessionKindPolicy:
        """The rules of this session's kind (予約枠の種類), see ``facilities.bookings.kinds``."""
        return kinds.policy_for(self.kind)

    def ineligibility_reason(self, child: Child) -> str | None:
        """Why ``child`` (or the pregnancy) cannot book this session, in words for the parent (too
        young until a date, too old since one, due date passed, not this kind's audience); None
        when it can. Ages are whole months on the session date."""
        return self.policy.ineligibility_reason(self, child)

    def accepts(self, child: Child) -> bool:
        return self.ineligibility_reason(child) is None

    def audience_label(self) -> str:
        """対象, as parents read it."""
        return self.policy.audience_label(self)


class BookingQuerySet(models.QuerySet["Booking"]):
    def clashing(self, child: Child, session: Session) -> BookingQuerySet:
        """The child's live bookings of other scheduled sessions whose hours overlap ``session``'s
        (both of kinds that hold the child: see ``SessionKindPolicy.occupies_child``)."""
        if not session.policy.occupies_child:
            return self.none()
        return (
            self.filter(
                child=child,
                status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED],
                session__status=Session.Status.SCHEDULED,
                session__kind__in=kinds.occupying_child(),
                session__starts_at__lt=session.ends_at,
                session__ends_at__gt=session.starts_at,
            )
            .exclude(session_id=session.pk)
            .select_related("session__service")
            .order_by("session__starts_at", "id")
        )


class Booking(models.Model):
    """予約: a seat (or a waitlist place) of a session for one child of a parent, or a walk-in.

    Waitlist position is derived (earlier waitlisted bookings of the same session), never stored,
    so it cannot drift. Each mail about a booking is recorded once in ``portal.OutgoingMail``.
    """

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("予約確定")
        WAITLISTED = "waitlisted", _("キャンセル待ち")
        CANCELLED = "cancelled", _("キャンセル")

    session = models.ForeignKey(
        Session, verbose_name=_("予約枠"), on_delete=models.CASCADE, related_name="bookings"
    )
    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("保護者"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="bookings",
    )
    child = models.ForeignKey(
        Child,
        verbose_name=_("お子さん"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    walk_in_name = models.CharField(_("当日参加の方のお名前"), max_length=100, blank=True)
    status = models.CharField(_("状態"), max_length=20, choices=Status.choices)
    attended = models.BooleanField(_("出欠"), null=True, blank=True)
    created_at = models.DateTimeField(_("申込日時"), default=timezone.now)
    promoted_at = models.DateTimeField(_("繰り上げ日時"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("キャンセル日時"), null=True, blank=True)
    cancelled_by_session = models.BooleanField(_("回の中止による取消"), default=False)
    # 代理予約: the specialist who booked for the family (empty when the parent booked themselves).
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代理予約した人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("予約")
        verbose_name_plural = _("予約")
        constraints = [
            # One live booking per child and session: the database's answer to a double submit.
            models.UniqueConstraint(
                fields=["session", "child"],
                condition=~models.Q(status="cancelled"),
                name="booking_one_live_per_child_and_session",
                violation_error_message=_("このお子さんはこの回をすでに予約しています。"),
            ),
            models.CheckConstraint(
                condition=models.Q(parent__isnull=False, child__isnull=False)
                | models.Q(parent__isnull=True, child__isnull=True),
                name="booking_parent_and_child_together",
            ),
        ]
        indexes = [models.Index(fields=["session", "status"])]

    def __str__(self) -> str:
        return f"{self.session} {self.who}"

    @property
    def who(self) -> str:
        if self.child_id:
            return str(self.child)
        return self.walk_in_name or str(_("当日参加"))

    def child_age_text(self) -> str | None:
        """The child's age on the session date in years and months (None for a pregnancy or walk-in)."""
        months = self.child.age_months_on(self.session.date) if self.child_id else None
        return None if months is None else age_text(months)

    def clean(self) -> None:
        if self.child_id and self.parent_id and self.child.parent_id != self.parent_id:
            raise ValidationError({"child": _("このお子さんは選べません。")})

    def waitlist_position(self) -> int | None:
        """キャンセル待ちの順番 (1 = next to get a seat)."""
        if self.status != self.Status.WAITLISTED:
            return None
        earlier = Booking.objects.filter(session_id=self.session_id, status=self.Status.WAITLISTED).filter(
            models.Q(created_at__lt=self.created_at) | models.Q(created_at=self.created_at, id__lt=self.id)
        )
        return earlier.count() + 1

    def clash_message(self) -> str:
        """Why the same child cannot book another session at these hours: names this booking."""
        start, end = timezone.localtime(self.session.starts_at), timezone.localtime(self.session.ends_at)
        return str(
            _("%(name)s さんは同じ時間に「%(title)s」（%(when)s、%(service)s）を予約しています。")
            % {
                "name": self.child.nickname,
                "title": self.session.display_title,
                "when": f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}",
                "service": self.session.service.name,
            }
        )

    def cancel_deadline_passed(self, now: dt.datetime | None = None) -> bool:
        """A seat past its cancel cutoff but not yet started: the parent must call to cancel."""
        now = now or timezone.now()
        return (
            self.status == self.Status.CONFIRMED
            and self.session.status == Session.Status.SCHEDULED
            and self.session.cancel_cutoff <= now < self.session.starts_at
        )

    def can_cancel(self, now: dt.datetime | None = None) -> bool:
        """A parent may cancel a seat until the cutoff, and leave the waitlist until the start."""
        now = now or timezone.now()
        if self.status == self.Status.CANCELLED or self.session.status == Session.Status.CANCELLED:
            return False
        if self.status == self.Status.WAITLISTED:
            return now < self.session.starts_at
        return now < self.session.cancel_cutoff
