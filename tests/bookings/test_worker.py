"""Booking mail through a real Celery worker on real Redis: sent once, and retried after a failure."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.utils import timezone

from facilities.bookings import services
from facilities.bookings.tasks import send_booking_notice
from tests.bookings.factories import BookingFactory, ChildFactory, SessionFactory, notice_sent

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_confirmation_goes_through_the_worker_after_commit(real_celery_worker):
    child = ChildFactory()
    booking = services.booking_create(session=SessionFactory(), parent=child.parent, child=child)
    _wait_for(lambda: notice_sent(booking, "confirmation"))
    assert [m.to for m in mail.outbox] == [[child.parent.email]]


@pytest.fixture
def finished_tasks():
    """Return values of tasks the worker finished (no result backend needed)."""
    from celery.signals import task_postrun

    done: list = []

    def record(retval=None, state=None, **_kwargs) -> None:
        if state == "SUCCESS":
            done.append(retval)

    task_postrun.connect(record, weak=False)
    yield done
    task_postrun.disconnect(record)


def test_a_notice_enqueued_twice_is_sent_once(real_celery_worker, finished_tasks):
    booking = BookingFactory()
    for _ in range(2):
        send_booking_notice.delay(booking.pk, "confirmation")
    _wait_for(lambda: len(finished_tasks) == 2)
    assert sorted(finished_tasks) == [False, True]
    assert len(mail.outbox) == 1


def test_a_send_that_fails_once_is_retried_and_sent_once(real_celery_worker, finished_tasks, monkeypatch):
    start = timezone.now() + dt.timedelta(hours=20)
    session = SessionFactory(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        closes_at=start - dt.timedelta(hours=2),
        cancel_cutoff=start - dt.timedelta(hours=2),
    )
    booking = BookingFactory(
        session=session,
        created_at=timezone.now() - dt.timedelta(days=3),
        sent={"confirmation": timezone.now() - dt.timedelta(days=3)},
    )
    calls = []
    real_send = EmailMessage.send

    def flaky_send(self, *args, **kwargs):
        calls.append(self.subject)
        if len(calls) == 1:
            raise ConnectionRefusedError("mail server not answering")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky_send)
    send_booking_notice.delay(booking.pk, "reminder")
    _wait_for(lambda: finished_tasks == [True], timeout=30)
    assert len(calls) == 2
    assert len(mail.outbox) == 1 and "明日のご予約" in mail.outbox[0].subject
    assert notice_sent(booking, "reminder")
