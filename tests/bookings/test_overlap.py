"""One child, one place at a time: two sessions whose hours overlap cannot both be held."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from facilities.bookings import services
from facilities.bookings.models import Booking
from tests.bookings.factories import BookingFactory, ChildFactory, ServiceFactory, SessionFactory, in_days
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def care():
    """一時預かり 12/3 09:00–12:00, as in the report."""
    service = ServiceFactory(name="一時預かり すくすくルーム")
    return SessionFactory(
        service=service,
        kind="temporary_care",
        title="一時預かり（午前）",
        starts_at=in_days(7, 9),
        ends_at=in_days(7, 12),
    )


def _course(start_hour: int, start_minute: int = 0, minutes: int = 45, **fields):
    starts = in_days(7, start_hour) + dt.timedelta(minutes=start_minute)
    return SessionFactory(starts_at=starts, ends_at=starts + dt.timedelta(minutes=minutes), **fields)


def test_a_child_in_temporary_care_cannot_also_book_a_course_at_the_same_time(care):
    child = ChildFactory(nickname="たろう")
    services.booking_create(session=care, parent=child.parent, child=child)
    course = _course(10, 30, title="親子リトミック")
    with pytest.raises(ValidationError) as refused:
        services.booking_create(session=course, parent=child.parent, child=child)
    message = refused.value.message_dict["child"][0]
    assert (
        "たろう さんは同じ時間に「一時預かり（午前）」" in message and "一時預かり すくすくルーム" in message
    )
    assert not course.bookings.exists()


def test_a_waitlist_place_also_holds_the_hours(care):
    child = ChildFactory()
    BookingFactory(session=care, child=child, status=Booking.Status.WAITLISTED)
    with pytest.raises(ValidationError, match="同じ時間に"):
        services.booking_create(session=_course(11), parent=child.parent, child=child)


def test_back_to_back_sessions_do_not_overlap(care):
    child = ChildFactory()
    services.booking_create(session=care, parent=child.parent, child=child)
    after = services.booking_create(session=_course(12), parent=child.parent, child=child)
    assert after.status == Booking.Status.CONFIRMED


def test_a_cancelled_booking_frees_the_hours(care):
    child = ChildFactory()
    BookingFactory(session=care, child=child, status=Booking.Status.CANCELLED)
    assert services.booking_create(session=_course(10), parent=child.parent, child=child).pk


def test_a_cancelled_session_frees_the_hours(care):
    child = ChildFactory()
    BookingFactory(session=care, child=child)
    services.session_cancel(
        session=care, reason="台風の接近のため", by=make_user("c@example.test", "city_staff")
    )
    assert services.booking_create(session=_course(10), parent=child.parent, child=child).pk


def test_another_child_of_the_same_parent_may_book_the_same_hours(care):
    child = ChildFactory()
    sibling = ChildFactory(parent=child.parent)
    services.booking_create(session=care, parent=child.parent, child=child)
    assert services.booking_create(session=_course(10), parent=child.parent, child=sibling).pk


def test_an_appointment_does_not_hold_the_child(care):
    # The parent consults a specialist while the child is in temporary care.
    child = ChildFactory()
    services.booking_create(session=care, parent=child.parent, child=child)
    specialist = make_user("s@example.test", "specialist")
    appointment = _course(10, kind="appointment", specialist=specialist, capacity=1)
    assert services.booking_create(session=appointment, parent=child.parent, child=child).pk


def test_the_session_page_lists_the_clash_and_the_booking_is_refused_with_it(client, care):
    child = ChildFactory(nickname="たろう")
    services.booking_create(session=care, parent=child.parent, child=child)
    course = _course(10, 30)
    client.force_login(child.parent)
    page = client.get(reverse("bookings:session_detail", args=[course.pk])).content.decode()
    assert "この回を予約できない方" in page and "同じ時間に「一時預かり（午前）」" in page
    response = client.post(reverse("bookings:booking_confirm", args=[course.pk]), {"child": child.pk})
    assert "同じ時間に「一時預かり（午前）」" in client.get(response.url).content.decode()
    assert not course.bookings.exists()
