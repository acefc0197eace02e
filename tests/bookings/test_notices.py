"""Mail exactly once: the database says what is due, each send claims its row, a failed send retries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from facilities.bookings import selectors, services
from facilities.bookings.models import Booking
from facilities.bookings.tasks import send_due_notices
from tests.bookings.factories import BookingFactory, SessionFactory, notice_sent

pytestmark = pytest.mark.django_db


def _tomorrow_session(**fields):
    start = timezone.now() + dt.timedelta(hours=20)
    return SessionFactory(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        opens_at=start - dt.timedelta(days=30),
        closes_at=start - dt.timedelta(hours=2),
        cancel_cutoff=start - dt.timedelta(hours=2),
        **fields,
    )


def _booked_days_ago(session, **fields):
    sent = timezone.now() - dt.timedelta(days=3)
    return BookingFactory(session=session, created_at=sent, sent={"confirmation": sent}, **fields)


def test_the_day_before_reminder_is_sent_once_however_often_the_sweep_runs():
    booking = _booked_days_ago(_tomorrow_session())
    assert send_due_notices() == 1
    assert send_due_notices() == 0
    (message,) = mail.outbox
    assert message.to == [booking.parent.email] and "明日のご予約" in message.subject
    assert notice_sent(booking, "reminder")


def test_no_reminder_for_cancelled_waitlisted_or_later_sessions():
    days_ago = timezone.now() - dt.timedelta(days=3)
    # Cancelled by the parent three days ago, and told so then.
    BookingFactory(
        session=_tomorrow_session(),
        created_at=days_ago,
        status="cancelled",
        sent={"confirmation": days_ago, "cancelled": days_ago},
    )
    _booked_days_ago(_tomorrow_session(), status="waitlisted")
    _booked_days_ago(SessionFactory())  # a week ahead: not due yet
    cancelled = _tomorrow_session(status="cancelled")
    _booked_days_ago(cancelled)
    assert send_due_notices() == 0
    assert mail.outbox == []


def test_a_booking_made_within_the_last_day_gets_no_separate_reminder():
    BookingFactory(session=_tomorrow_session(), sent={"confirmation": timezone.now()})
    assert selectors.due_notices() == []


def test_a_lost_enqueue_is_sent_by_the_sweep():
    # As if Redis had been down when the booking committed: nothing was sent, the database knows.
    booking = BookingFactory()
    assert selectors.due_notices() == [(booking.pk, "confirmation")]
    send_due_notices()
    assert notice_sent(booking, "confirmation")
    assert len(mail.outbox) == 1


def test_booking_survives_a_broker_outage(parent, monkeypatch, django_capture_on_commit_callbacks):
    from facilities.bookings import tasks
    from tests.bookings.factories import ChildFactory

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.send_booking_notice, "delay", broker_down)
    child = ChildFactory(parent=parent)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(session=SessionFactory(), parent=parent, child=child)
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
    assert selectors.due_notices() == [(booking.pk, "confirmation")]


def test_a_failed_send_leaves_the_notice_due(monkeypatch):
    booking = _booked_days_ago(_tomorrow_session())

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(EmailMessage, "send", smtp_down)
    with pytest.raises(ConnectionRefusedError):
        services.booking_send_notice(booking_id=booking.pk, kind="reminder")
    assert not notice_sent(booking, "reminder")
    assert selectors.due_notices() == [(booking.pk, "reminder")]


def test_notice_for_a_booking_no_longer_due_is_a_no_op():
    booking = BookingFactory(status="cancelled")
    assert services.booking_send_notice(booking_id=booking.pk, kind="confirmation") is False
    assert mail.outbox == []
