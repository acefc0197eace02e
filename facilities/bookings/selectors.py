"""Reads of 予約 that other pages and tasks share: seats, rosters, due mail, and attendance counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone

from facilities.bookings.emails import NOTICES
from facilities.bookings.models import Booking, Child, Session
from facilities.models import Service
from hubs.selectors import hub_for_staff
from portal.mail import sent_q
from portal.models import Role, User


def hub_staff_service_ids(user: User) -> models.QuerySet:
    """The services whose sessions a hub staff member runs (拠点職員の担当): their hub's own entry
    and its 出張ひろば entries."""
    hub = hub_for_staff(user)
    if hub is None:
        return Service.objects.none().values("id")
    return Service.objects.filter(models.Q(hub=hub) | models.Q(popup_plaza__hub=hub)).values("id")


def manageable_services(user: User) -> models.QuerySet[Service]:
    """Services for which ``user`` may create sessions."""
    if user.role == Role.CITY_STAFF:
        return Service.objects.all()
    if user.role == Role.HUB_STAFF:
        return Service.objects.filter(id__in=hub_staff_service_ids(user))
    if user.role == Role.SPECIALIST:
        # Appointments at the user-support site (利用者支援事業の実施場所) the specialist works at.
        return Service.objects.filter(user_support_site__specialists__user=user)
    return Service.objects.none()


def managed_sessions(user: User) -> models.QuerySet[Session]:
    """Sessions whose roster ``user`` may see and run: city staff all, hub staff their hub's,
    specialists their own appointments."""
    if user.role == Role.CITY_STAFF:
        return Session.objects.all()
    if user.role == Role.HUB_STAFF:
        return Session.objects.filter(service_id__in=hub_staff_service_ids(user))
    if user.role == Role.SPECIALIST:
        return Session.objects.filter(specialist=user)
    return Session.objects.none()


# How far back a roster stays listed for recording attendance (出欠の後からの記録).
ROSTER_DAYS_BACK = 60


def staff_session_list(user: User, *, past: bool = False, limit: int = 200) -> models.QuerySet[Session]:
    """予約枠の一覧 for staff: from today on in date order, or (``past``) the last
    ``ROSTER_DAYS_BACK`` days before today, newest first."""
    today = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min))
    sessions = managed_sessions(user).with_seats().select_related("service", "specialist")
    if past:
        since = today - dt.timedelta(days=ROSTER_DAYS_BACK)
        sessions = sessions.filter(starts_at__gte=since, starts_at__lt=today).order_by("-starts_at", "-id")
    else:
        sessions = sessions.filter(starts_at__gte=today).order_by("starts_at", "id")
    return sessions[:limit]


def upcoming_sessions(service: Service, *, limit: int | None = None) -> models.QuerySet[Session]:
    """The service page's list: scheduled future sessions with ``seats_left`` computed in the database."""
    sessions = (
        Session.objects.filter(service=service)
        .upcoming()
        .with_seats()
        .select_related("specialist")
        .order_by("starts_at", "id")
    )
    return sessions[:limit] if limit else sessions


def _waitlist_position() -> Coalesce:
    earlier = (
        Booking.objects.filter(session_id=models.OuterRef("session_id"), status=Booking.Status.WAITLISTED)
        .filter(
            models.Q(created_at__lt=models.OuterRef("created_at"))
            | models.Q(created_at=models.OuterRef("created_at"), id__lt=models.OuterRef("id"))
        )
        .order_by()
        .values("session_id")
        .annotate(n=models.Count("id"))
        .values("n")
    )
    return Coalesce(models.Subquery(earlier), 0) + 1


def parent_bookings(parent: User) -> models.QuerySet[Booking]:
    """A parent's bookings with session, service and child joined and ``position`` (キャンセル待ちの順番)."""
    return (
        Booking.objects.filter(parent=parent)
        .select_related(
            "session__service__location", "session__service__organization", "session__specialist", "child"
        )
        .annotate(position=_waitlist_position())
        .order_by("session__starts_at", "id")
    )


def roster(session: Session) -> models.QuerySet[Booking]:
    """名簿: the session's bookings, confirmed first, then the waitlist in order, then cancelled."""
    order = models.Case(
        models.When(status=Booking.Status.CONFIRMED, then=0),
        models.When(status=Booking.Status.WAITLISTED, then=1),
        default=2,
    )
    return (
        session.bookings.select_related("parent", "child")
        .annotate(status_order=order, position=_waitlist_position())
        .order_by("status_order", "created_at", "id")
    )


def child_obstacle(session: Session, child: Child) -> str | None:
    """Why ``child`` cannot book ``session`` now, for the pages: the session's own reason (age, due
    date, kind) or the overlapping booking the child holds. ``services.booking_create`` asks the
    same two questions under its locks."""
    reason = session.ineligibility_reason(child)
    if reason:
        return reason
    clash = Booking.objects.clashing(child, session).first()
    return clash.clash_message() if clash else None


def eligible_children(parent: User, session: Session) -> tuple[list[Child], list[tuple[Child, str]]]:
    """(children who can book, [(child who cannot, why)]) for this session."""
    eligible, ineligible = [], []
    for child in parent.children.all():
        reason = child_obstacle(session, child)
        if reason:
            ineligible.append((child, reason))
        else:
            eligible.append(child)
    return eligible, ineligible


def notice_due_q(kind: str, now: dt.datetime) -> models.Q:
    """Which bookings are due the mail ``kind`` now. The database is the source of truth for mail:
    a notice is due until ``portal.OutgoingMail`` records it sent."""
    future = models.Q(session__starts_at__gt=now, parent__isnull=False) & ~sent_q(f"bookings/{kind}", Booking)
    if kind == "confirmation":
        return future & models.Q(
            status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED],
            session__status=Session.Status.SCHEDULED,
        )
    if kind == "promotion":
        return future & models.Q(
            promoted_at__isnull=False,
            status=Booking.Status.CONFIRMED,
            session__status=Session.Status.SCHEDULED,
        )
    if kind == "reminder":
        # 前日のお知らせ: within the last day before the start, for bookings made before that day, to
        # parents who want it (アカウントの設定).
        return future & models.Q(
            parent__reminder_mails=True,
            status=Booking.Status.CONFIRMED,
            session__status=Session.Status.SCHEDULED,
            session__starts_at__lte=now + dt.timedelta(days=1),
            created_at__lt=models.F("session__starts_at") - dt.timedelta(days=1),
        )
    if kind == "session_cancelled":
        return future & models.Q(cancelled_by_session=True)
    if kind == "cancelled":
        return future & models.Q(status=Booking.Status.CANCELLED, cancelled_by_session=False)
    if kind == "session_cancelled_for_family":
        return future & models.Q(cancelled_by_session=True, booked_by__isnull=False)
    raise ValueError(kind)


def due_notices(now: dt.datetime | None = None) -> list[tuple[int, str]]:
    """Every (booking id, kind) whose mail is due and not yet sent."""
    now = now or timezone.now()
    due: list[tuple[int, str]] = []
    for kind in NOTICES:
        ids = Booking.objects.filter(notice_due_q(kind, now)).order_by("id").values_list("id", flat=True)
        due.extend((booking_id, kind) for booking_id in ids)
    return due


def attendance_counts(service_ids: Iterable[int], month: dt.date) -> dict[int, dict[str, int]]:
    """利用実績 per service for the calendar month containing ``month`` (local time), for monthly
    reports: ``{service_id: {"sessions", "booked", "attended", "no_show", "walk_ins"}}``.

    ``sessions`` counts held (not cancelled) sessions; ``booked`` confirmed bookings by parents;
    ``attended`` everyone marked present, walk-ins included; ``no_show`` bookings marked absent.
    Services with no session that month are absent from the result.
    """
    tz = timezone.get_current_timezone()
    start = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    end = dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=tz)
    confirmed = models.Q(bookings__status=Booking.Status.CONFIRMED)
    rows = (
        Session.objects.filter(
            service_id__in=list(service_ids),
            status=Session.Status.SCHEDULED,
            starts_at__gte=start,
            starts_at__lt=end,
        )
        .values("service_id")
        .annotate(
            sessions=models.Count("id", distinct=True),
            booked=models.Count("bookings", filter=confirmed & models.Q(bookings__parent__isnull=False)),
            attended=models.Count("bookings", filter=confirmed & models.Q(bookings__attended=True)),
            no_show=models.Count("bookings", filter=confirmed & models.Q(bookings__attended=False)),
            walk_ins=models.Count("bookings", filter=confirmed & models.Q(bookings__parent__isnull=True)),
        )
        .order_by("service_id")
    )
    return {row.pop("service_id"): row for row in rows}
