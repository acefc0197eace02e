"""予約の規則: capacity, waitlist, cancellation, session cancel, walk-ins, attendance, series."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from facilities.bookings import selectors, services
from facilities.bookings.models import Booking, Session
from facilities.models import Category, SpecialHours
from portal.mail import record_sent
from tests.bookings.factories import (
    BookingFactory,
    ChildFactory,
    ServiceFactory,
    SessionFactory,
    in_days,
    notice_sent,
    today_in,
)

pytestmark = pytest.mark.django_db


def _book(session, child=None):
    child = child or ChildFactory()
    return services.booking_create(session=session, parent=child.parent, child=child)


def test_booking_is_confirmed_while_seats_are_left_then_waitlisted_in_order():
    session = SessionFactory(capacity=2)
    first, second, third, fourth = (_book(session) for _ in range(4))
    assert [b.status for b in (first, second, third, fourth)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    assert (third.waitlist_position(), fourth.waitlist_position()) == (1, 2)
    positions = {b.pk: b.position for b in selectors.roster(session)}
    assert positions[fourth.pk] == 2


def test_a_double_submit_makes_one_booking():
    session = SessionFactory()
    child = ChildFactory()
    first = services.booking_create(session=session, parent=child.parent, child=child)
    again = services.booking_create(session=session, parent=child.parent, child=child)
    assert again.pk == first.pk and again.is_repeat
    assert Booking.objects.count() == 1


def test_the_database_refuses_a_second_live_booking_of_the_same_child():
    from django.db import IntegrityError, transaction

    booking = BookingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            session=booking.session, parent=booking.parent, child=booking.child, status="waitlisted"
        )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": Session.Status.CANCELLED}, "中止"),
        ({"starts_at": in_days(-1), "opens_at": in_days(-10), "closes_at": in_days(-2)}, "始まった"),
        ({"opens_at": in_days(3)}, "予約の受付は"),
        ({"closes_at": timezone.now() - dt.timedelta(minutes=1)}, "受付は終わりました"),
    ],
    ids=["cancelled", "past", "not-open-yet", "closed"],
)
def test_sessions_that_cannot_be_booked_are_refused_with_a_reason(fields, message):
    session = SessionFactory(**fields)
    with pytest.raises(ValidationError, match=message):
        _book(session)
    assert not Booking.objects.exists()


def test_an_ineligible_child_is_refused():
    session = SessionFactory(min_age_months=24, max_age_months=36)
    with pytest.raises(ValidationError, match="から対象です（2歳から）"):
        _book(session, ChildFactory())  # 12 months old
    assert not Booking.objects.exists()


def test_another_parents_child_is_refused():
    session = SessionFactory()
    child = ChildFactory()
    stranger = ChildFactory().parent
    with pytest.raises(ValidationError):
        services.booking_create(session=session, parent=stranger, child=child)
    assert not Booking.objects.exists()


def test_cancelling_a_seat_promotes_the_first_eligible_waitlisted_booking(django_capture_on_commit_callbacks):
    session = SessionFactory(capacity=1, min_age_months=6, max_age_months=36)
    taken = _book(session)
    grown = _book(session)
    second = _book(session)
    # The first in line no longer fits (birth date corrected since): the next one gets the seat.
    grown.child.birth_date = timezone.localdate() - dt.timedelta(days=30)
    grown.child.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=taken, by=taken.parent)
    assert Booking.objects.get(pk=second.pk).status == "confirmed"
    assert Booking.objects.get(pk=grown.pk).status == "waitlisted"
    promoted = Booking.objects.get(pk=second.pk)
    assert promoted.promoted_at is not None and notice_sent(promoted, "promotion")
    # The parent who cancelled is told too (with an .ics that removes the event).
    assert [m.to for m in mail.outbox] == [[second.parent.email], [taken.parent.email]]
    assert "キャンセル待ちから予約確定" in mail.outbox[0].subject


def test_raising_capacity_promotes_waitlisted_bookings():
    session = SessionFactory(capacity=1)
    _book(session)
    waiting = _book(session)
    services.session_set_capacity(session=session, capacity=2, by=waiting.parent)
    assert Booking.objects.get(pk=waiting.pk).status == "confirmed"


def test_capacity_cannot_drop_below_the_confirmed_bookings():
    session = SessionFactory(capacity=2)
    _book(session), _book(session)
    with pytest.raises(ValidationError, match="少なくはできません"):
        services.session_set_capacity(session=session, capacity=1, by=None)
    assert Session.objects.get(pk=session.pk).capacity == 2


def test_a_parent_cannot_cancel_after_the_cutoff():
    session = SessionFactory(starts_at=in_days(1), closes_at=in_days(0, 0), cancel_cutoff=in_days(0, 0))
    booking = BookingFactory(session=session)
    with pytest.raises(ValidationError, match="期限"):
        services.booking_cancel(booking=booking, by=booking.parent)
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_leaving_the_waitlist_is_allowed_after_the_cutoff():
    session = SessionFactory(starts_at=in_days(1), closes_at=in_days(0, 0), cancel_cutoff=in_days(0, 0))
    booking = BookingFactory(session=session, status="waitlisted")
    services.booking_cancel(booking=booking, by=booking.parent)
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"


def test_cancelling_a_session_cancels_every_booking_and_emails_each_parent(
    city_staff, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    confirmed, waiting = _book(session), _book(session)
    for booking in (confirmed, waiting):
        record_sent(message="bookings/confirmation", recipient=booking.parent, about=booking)
    with django_capture_on_commit_callbacks(execute=True):
        services.session_cancel(session=session, reason="台風の接近のため", by=city_staff)
    assert set(Booking.objects.values_list("status", flat=True)) == {"cancelled"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([confirmed.parent.email, waiting.parent.email])
    assert all("台風の接近のため" in m.body for m in mail.outbox)


def test_a_session_cannot_be_cancelled_without_a_reason(city_staff):
    session = SessionFactory()
    with pytest.raises(ValidationError):
        services.session_cancel(session=session, reason="  ", by=city_staff)
    assert Session.objects.get(pk=session.pk).status == "scheduled"


def test_walk_in_takes_a_free_seat_and_is_marked_present(hub_staff):
    session = SessionFactory(capacity=1)
    session.starts_at = today_in(30)
    session.ends_at = session.starts_at + dt.timedelta(hours=1)
    session.opens_at, session.closes_at = (
        session.starts_at - dt.timedelta(days=2),
        session.starts_at - dt.timedelta(hours=1),
    )
    session.cancel_cutoff = session.closes_at
    session.save()
    walk_in = services.walk_in_add(session=session, name="近所の親子", by=hub_staff)
    assert walk_in.status == "confirmed" and walk_in.attended is True and walk_in.parent is None
    with pytest.raises(ValidationError, match="満席"):
        services.walk_in_add(session=session, by=hub_staff)


def test_attendance_is_recorded_only_on_or_after_the_session_day():
    booking = BookingFactory()
    with pytest.raises(ValidationError):
        services.booking_mark_attendance(booking=booking, attended=True)
    Session.objects.filter(pk=booking.session_id).update(
        starts_at=in_days(-1),
        ends_at=in_days(-1, 11),
        opens_at=in_days(-20),
        closes_at=in_days(-2),
        cancel_cutoff=in_days(-2),
    )
    services.booking_mark_attendance(booking=booking, attended=False)
    assert Booking.objects.get(pk=booking.pk).attended is False


def test_weekly_series_skips_holidays_and_closed_days(city_staff):
    service = ServiceFactory()
    # Mondays of 2027-01: 4 (closed), 11 (成人の日, a national holiday), 18, 25.
    SpecialHours.objects.create(service=service, date=dt.date(2027, 1, 4), is_closed=True)
    series = services.series_create(
        service=service,
        weekday=0,
        start_time=dt.time(10),
        end_time=dt.time(11),
        first_date=dt.date(2027, 1, 1),
        last_date=dt.date(2027, 1, 31),
        capacity=5,
        by=city_staff,
    )
    assert [s.date for s in series.sessions.order_by("starts_at")] == [
        dt.date(2027, 1, 18),
        dt.date(2027, 1, 25),
    ]
    first = series.sessions.order_by("starts_at").first()
    # Booking closes (and cancelling ends) at 17:00 the day before.
    assert timezone.localtime(first.closes_at).replace(tzinfo=None) == dt.datetime(2027, 1, 17, 17)
    services.session_cancel(session=first, reason="職員研修", by=city_staff)
    assert list(series.sessions.values_list("status", flat=True).order_by("starts_at")) == [
        "cancelled",
        "scheduled",
    ]


def test_attendance_counts_per_service_and_month(hub_staff):
    service = ServiceFactory(category=Category.objects.get(slug="hub"))
    start = timezone.now() - dt.timedelta(days=400)
    session = SessionFactory(
        service=service,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        opens_at=start - dt.timedelta(days=3),
        closes_at=start - dt.timedelta(days=1),
        cancel_cutoff=start - dt.timedelta(days=1),
    )
    BookingFactory(session=session, attended=True)
    BookingFactory(session=session, attended=False)
    BookingFactory(session=session, status="cancelled")
    Booking.objects.create(session=session, status="confirmed", attended=True, walk_in_name="当日")
    counts = selectors.attendance_counts([service.pk], timezone.localtime(start).date())
    assert counts == {service.pk: {"sessions": 1, "booked": 2, "attended": 2, "no_show": 1, "walk_ins": 1}}
