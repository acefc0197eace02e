"""予約のお知らせ: which booking mails are due (the database decides) and sending one of them.

Its own module so the tasks that send and sweep (facilities.bookings.tasks) and the services that
enqueue them on commit (facilities.bookings.services) depend on it without depending on each other.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from facilities.bookings import emails
from facilities.bookings.models import Booking, Session
from portal.mail import sent_q


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
    for kind in emails.NOTICES:
        ids = Booking.objects.filter(notice_due_q(kind, now)).order_by("id").values_list("id", flat=True)
        due.extend((booking_id, kind) for booking_id in ids)
    return due


def booking_send_notice(*, booking_id: int, kind: str, now: dt.datetime | None = None) -> bool:
    """Send one mail of ``kind`` for a booking if it is still due; True when this call sent it.

    Sending once is the mailer's job (``portal.mail``): it claims the mail in its own committed
    transaction before the send, so this runs outside any transaction.
    """
    booking = (
        Booking.objects.select_related(
            "session__service__location", "session__specialist", "parent", "child", "booked_by"
        )
        .filter(notice_due_q(kind, now or timezone.now()), pk=booking_id)
        .first()
    )
    if booking is None:
        return False
    return emails.booking_notice_send(booking, kind)
