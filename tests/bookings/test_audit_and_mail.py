"""Who changed a session or a booking is on record (portal.audit); booking mail names the portal,
the person and the booking, carries a calendar file with an alarm and a link, and removes the event
again when the booking or the session is cancelled."""

from __future__ import annotations

import time

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from facilities.bookings import services
from facilities.bookings.emails import booking_ics
from facilities.bookings.models import Booking
from portal.models import AuditEntry, Role
from tests.bookings.factories import BookingFactory, ChildFactory, SessionFactory
from tests.conftest import make_user, switch_broker

pytestmark = pytest.mark.django_db


def _event(ics: str | bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(ics)


def test_capacity_session_cancel_and_walk_in_record_who_did_it(hub_staff, city_staff):
    session = SessionFactory(capacity=1)
    services.session_set_capacity(session=session, capacity=3, by=hub_staff)
    entry = AuditEntry.objects.about(session).get()
    assert entry.by == hub_staff and entry.data["capacity"] == [1, 3]

    booking = BookingFactory(session=session)
    services.session_cancel(session=session, reason="台風", by=city_staff)
    cancel = AuditEntry.objects.about(session).filter(by=city_staff).get()
    assert cancel.data == {"reason": "台風", "bookings_cancelled": [booking.pk]}


def test_a_walk_in_records_who_added_it(hub_staff):
    from tests.bookings.factories import today_in

    session = SessionFactory(starts_at=today_in(30))
    walk_in = services.walk_in_add(session=session, by=hub_staff, name="近所の親子")
    assert AuditEntry.objects.about(walk_in).get().by == hub_staff


def test_a_failed_change_records_nothing(hub_staff):
    session = SessionFactory(capacity=2)
    BookingFactory(session=session), BookingFactory(session=session)
    with pytest.raises(Exception, match="少なくはできません"):
        services.session_set_capacity(session=session, capacity=1, by=hub_staff)
    assert not AuditEntry.objects.about(session).exists()


def test_staff_cancelling_a_booking_is_recorded_a_parent_cancelling_their_own_is_not(city_staff):
    by_staff, by_parent = BookingFactory(), BookingFactory()
    services.booking_cancel(booking=by_staff, by=city_staff)
    services.booking_cancel(booking=by_parent, by=by_parent.parent)
    assert AuditEntry.objects.about(by_staff).get().by == city_staff
    assert not AuditEntry.objects.about(by_parent).exists()


def test_confirmation_names_the_person_the_portal_and_the_booking_with_an_alarm(
    parent, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_URL = "https://kosodate.example.jp"
    child = ChildFactory(parent=parent)
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(session=SessionFactory(), parent=parent, child=child)
    (message,) = mail.outbox
    url = f"https://kosodate.example.jp/bookings/{booking.pk}/"
    assert message.body.startswith("保護者 一郎 様") and url in message.body
    assert "みどり市 子育て支援ポータル" in message.body
    assert "@" in message.extra_headers["Message-ID"]
    event = _event(message.attachments[0][1]).walk("VEVENT")[0]
    assert str(event["URL"]) == url and str(event["UID"]) == f"booking-{booking.pk}@kosodate-portal"
    (alarm,) = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER").total_seconds() == -3600


def test_cancelling_sends_an_ics_that_removes_the_same_event(parent, django_capture_on_commit_callbacks):
    booking = BookingFactory(child=ChildFactory(parent=parent), sent={"confirmation": None})
    added = _event(booking_ics(booking)).walk("VEVENT")[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by=parent)
    (message,) = mail.outbox
    calendar = _event(message.attachments[0][1])
    removed = calendar.walk("VEVENT")[0]
    assert calendar["METHOD"] == "CANCEL" and removed["STATUS"] == "CANCELLED"
    assert removed["UID"] == added["UID"] and removed["SEQUENCE"] > added["SEQUENCE"]
    assert not removed.walk("VALARM")


def test_the_specialist_who_booked_for_a_family_hears_the_session_was_cancelled(
    parent, specialist, city_staff, django_capture_on_commit_callbacks
):
    child = ChildFactory(parent=parent)
    session = SessionFactory()
    booking = services.booking_create(session=session, parent=parent, child=child, by=specialist)
    own = BookingFactory(session=session, sent={"confirmation": None})  # a parent who booked alone
    assert Booking.objects.get(pk=booking.pk).booked_by == specialist and own.booked_by is None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session, reason="講師の急病", by=city_staff)
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([parent.email, own.parent.email, specialist.email])
    to_specialist = next(m for m in mail.outbox if m.to == [specialist.email])
    assert "代理予約" in to_specialist.subject and "講師の急病" in to_specialist.body
    assert not to_specialist.attachments  # the event was never in the specialist's calendar


def test_a_parent_booking_for_themselves_is_not_recorded_as_booked_for_them(parent):
    child = ChildFactory(parent=parent)
    booking = services.booking_create(session=SessionFactory(), parent=parent, child=child, by=parent)
    assert booking.booked_by is None


def test_another_parents_booking_answers_404_and_the_attempt_is_recorded(client, parent):
    theirs = BookingFactory()
    client.force_login(parent)
    assert client.get(reverse("bookings:booking_detail", args=[theirs.pk])).status_code == 404
    entry = AuditEntry.objects.about(theirs).get()
    assert entry.action == AuditEntry.Action.REFUSED and entry.by == parent
    # A number that names nothing is a plain 404: there is no one's data to protect.
    assert client.get(reverse("bookings:booking_detail", args=[theirs.pk + 1000])).status_code == 404
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSED).count() == 1


def test_an_unreachable_broker_does_not_hold_up_a_booking(parent, django_capture_on_commit_callbacks):
    """Redis down: the enqueue fails at once (short socket timeouts, no publish retries), is logged,
    and the notice stays due for the sweep."""
    from facilities.bookings import selectors
    from portal.celery import app

    saved = app.conf.broker_url
    app.conf.task_always_eager = False
    switch_broker(app, "redis://127.0.0.1:1/0")  # nothing listens there
    try:
        children = [ChildFactory(parent=parent) for _ in range(5)]
        sessions = [SessionFactory() for _ in range(5)]
        started = time.perf_counter()
        for child, session in zip(children, sessions, strict=True):
            with django_capture_on_commit_callbacks(execute=True):
                services.booking_create(session=session, parent=parent, child=child)
        per_booking = (time.perf_counter() - started) / 5
    finally:
        app.conf.task_always_eager = True
        switch_broker(app, saved)
    assert per_booking < 0.3  # 0.64 s before: kombu retried the connection on every enqueue
    assert len(selectors.due_notices()) == 5 and mail.outbox == []


def test_an_english_reader_gets_english_mail(django_capture_on_commit_callbacks):
    reader = make_user("en@example.test", Role.PARENT, display_name="Alex", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_create(session=SessionFactory(), parent=reader, child=ChildFactory(parent=reader))
    (message,) = mail.outbox
    assert message.subject.startswith("[Booking confirmed]") and message.body.startswith("Dear Alex,")
