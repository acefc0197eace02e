"""The booking pages: parent flow, bad input, other people's objects, staff rosters, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from facilities.bookings.models import Booking, Child, Session
from portal.models import Role
from tests.bookings.factories import (
    BookingFactory,
    ChildFactory,
    ServiceFactory,
    SessionFactory,
    category,
    in_days,
    today_in,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(parent) -> Child:
    return ChildFactory(parent=parent, nickname="たろう")


def _book(client, session, child):
    return client.post(reverse("bookings:booking_confirm", args=[session.pk]), {"child": child.pk})


def test_parent_books_a_seat_and_gets_a_confirmation_with_a_calendar_file(
    client, parent, child, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    client.force_login(parent)
    page = client.get(reverse("bookings:session_detail", args=[session.pk]))
    assert "残り 1 席" in page.content.decode() and "たろう" in page.content.decode()
    confirm = client.get(reverse("bookings:booking_confirm", args=[session.pk]), {"child": child.pk})
    assert "予約内容の確認" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _book(client, session, child)
    booking = Booking.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "bookings:booking_detail", args=[booking.pk]
    )
    assert booking.status == "confirmed"
    (message,) = mail.outbox
    assert message.to == [parent.email] and "予約確定" in message.subject
    assert message.attachments[0][2] == "text/calendar"
    assert "BEGIN:VEVENT" in message.attachments[0][1]  # text attachments are kept as str


def test_the_service_page_shows_the_seats_left_at_once_after_a_booking_and_a_cancellation(
    client, parent, child, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=2)
    page = session.service.get_absolute_url()
    assert "残り 2 席" in client.get(page).content.decode()  # the list of sessions is cached now
    client.force_login(parent)
    with django_capture_on_commit_callbacks(execute=True):
        _book(client, session, child)
    assert "残り 1 席" in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("bookings:booking_cancel", args=[Booking.objects.get().pk]))
    assert Booking.objects.get().status == "cancelled"
    assert "残り 2 席" in client.get(page).content.decode()


def test_the_service_page_stops_offering_a_session_once_its_booking_deadline_passes(client, monkeypatch):
    session = SessionFactory()
    before = session.closes_at - dt.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: before)
    page = session.service.get_absolute_url()
    assert "予約する" in client.get(page).content.decode()  # cached now
    monkeypatch.setattr(timezone, "now", lambda: session.closes_at)
    html = client.get(page).content.decode()
    assert "この回の予約の受付は終わりました。" in html and ">予約する<" not in html


def test_confirmation_mail_is_in_english_for_an_english_reading_parent(
    client, parent, child, django_capture_on_commit_callbacks
):
    parent.language = "en"
    parent.save()
    client.force_login(parent)
    with django_capture_on_commit_callbacks(execute=True):
        _book(client, SessionFactory(), child)
    assert mail.outbox[0].subject.startswith("[Booking confirmed]")


def test_a_full_session_waitlists_with_the_position_shown(client, parent, child):
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)
    BookingFactory(session=session, status="waitlisted")
    client.force_login(parent)
    response = _book(client, session, child)
    page = client.get(response.url)
    assert Booking.objects.get(child=child).status == "waitlisted"
    assert "順番は 2 番目です" in page.content.decode()


def test_a_resubmitted_form_makes_one_booking_and_says_so(client, parent, child):
    session = SessionFactory()
    client.force_login(parent)
    _book(client, session, child)
    again = _book(client, session, child)
    assert Booking.objects.count() == 1
    assert "すでに予約しています" in client.get(again.url).content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": Session.Status.CANCELLED}, "中止になりました"),
        (
            {"starts_at": in_days(-1), "opens_at": in_days(-10), "closes_at": in_days(-2)},
            "始まったか、終わっています",
        ),
        ({"opens_at": in_days(3)}, "予約の受付は"),
        ({"closes_at": timezone.now() - dt.timedelta(minutes=5)}, "予約の受付は終わりました"),
    ],
    ids=["cancelled", "past", "not-open", "closed"],
)
def test_booking_a_session_that_is_not_open_shows_why_and_saves_nothing(
    client, parent, child, fields, message
):
    session = SessionFactory(**fields)
    client.force_login(parent)
    response = _book(client, session, child)
    assert response.status_code == 302
    assert message in client.get(response.url).content.decode()
    assert not Booking.objects.exists()


def test_an_ineligible_child_is_refused_with_the_age_range(client, parent, child):
    session = SessionFactory(min_age_months=24, max_age_months=36)
    client.force_login(parent)
    page = client.get(reverse("bookings:session_detail", args=[session.pk])).content.decode()
    assert "この回を予約できない方" in page and "から対象です（2歳から）" in page
    response = _book(client, session, child)
    assert "から対象です（2歳から）" in client.get(response.url).content.decode()
    assert not Booking.objects.exists()


def test_another_parents_child_id_is_refused(client, parent, other_parent):
    session = SessionFactory()
    stranger_child = ChildFactory(parent=other_parent)
    client.force_login(parent)
    response = _book(client, session, stranger_child)
    assert "選べません" in client.get(response.url).content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize("child_value", ["", "abc", "999999"])
def test_garbage_child_values_are_messages_not_errors(client, parent, child_value):
    session = SessionFactory()
    client.force_login(parent)
    response = client.post(reverse("bookings:booking_confirm", args=[session.pk]), {"child": child_value})
    assert response.status_code == 302
    assert not Booking.objects.exists()


def test_another_parents_booking_is_not_found(client, parent, other_parent):
    booking = BookingFactory(child=ChildFactory(parent=other_parent))
    client.force_login(parent)
    for name in ("booking_detail", "booking_cancel", "booking_calendar"):
        assert client.get(reverse(f"bookings:{name}", args=[booking.pk])).status_code == 404
    assert client.post(reverse("bookings:booking_cancel", args=[booking.pk])).status_code == 404
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_another_parents_child_cannot_be_edited(client, parent, other_parent):
    child = ChildFactory(parent=other_parent)
    client.force_login(parent)
    assert client.get(reverse("bookings:child_edit", args=[child.pk])).status_code == 404


def test_parent_cancels_before_the_cutoff_and_the_waitlist_moves_up(
    client, parent, child, django_capture_on_commit_callbacks
):
    session = SessionFactory(capacity=1)
    mine = BookingFactory(session=session, child=child)
    waiting = BookingFactory(session=session, status="waitlisted")
    client.force_login(parent)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("bookings:booking_cancel", args=[mine.pk]))
    assert response.url == reverse("bookings:my_bookings")
    assert Booking.objects.get(pk=mine.pk).status == "cancelled"
    assert Booking.objects.get(pk=waiting.pk).status == "confirmed"
    # The next in line hears of the seat; the parent who cancelled gets the removing .ics.
    assert [m.to for m in mail.outbox] == [[waiting.parent.email], [parent.email]]
    cancelled = mail.outbox[1]
    assert "キャンセルしました" in cancelled.subject
    assert "METHOD:CANCEL" in cancelled.attachments[0][1]


def test_cancelling_after_the_cutoff_is_refused_with_a_message(client, parent, child):
    session = SessionFactory(starts_at=in_days(1), closes_at=in_days(0, 0), cancel_cutoff=in_days(0, 0))
    booking = BookingFactory(session=session, child=child)
    client.force_login(parent)
    response = client.post(reverse("bookings:booking_cancel", args=[booking.pk]), follow=True)
    assert "キャンセルの期限" in response.content.decode()
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"


def test_calendar_download(client, parent, child):
    booking = BookingFactory(child=child)
    client.force_login(parent)
    response = client.get(reverse("bookings:booking_calendar", args=[booking.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"SUMMARY:" in response.content


def test_child_profiles_are_added_with_a_clear_message_for_bad_dates(client, parent):
    client.force_login(parent)
    url = reverse("bookings:child_create")
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(url, {"nickname": "じろう", "birth_date": future})
    assert response.status_code == 200 and "未来の日付" in response.content.decode()
    assert 'value="じろう"' in response.content.decode()
    response = client.post(url, {"nickname": "おなか", "is_pregnancy": "on", "due_date": "2099-13-01"})
    assert response.status_code == 200 and not Child.objects.exists()
    client.post(url, {"nickname": "おなか", "is_pregnancy": "on", "due_date": future})
    assert Child.objects.get().is_pregnancy


def test_anonymous_visitor_sees_sessions_but_must_log_in_to_book(client):
    session = SessionFactory()
    page = client.get(reverse("bookings:session_detail", args=[session.pk])).content.decode()
    assert "ログインして予約する" in page
    response = client.post(reverse("bookings:booking_confirm", args=[session.pk]), {"child": 1})
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_sessions_of_unpublished_services_are_hidden(client):
    session = SessionFactory(service=ServiceFactory(published=False))
    assert client.get(reverse("bookings:session_detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("bookings:service_sessions", args=[session.service_id])).status_code == 404


def test_htmx_gets_only_the_seat_count(client):
    session = SessionFactory(capacity=4)
    response = client.get(
        reverse("bookings:session_detail", args=[session.pk]), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert 'id="session-seats"' in body and "<html" not in body
    assert "HX-Request" in response["Vary"]


# --- Staff -----------------------------------------------------------------------------------------


def test_hub_staff_see_the_rosters_of_their_hubs_sessions_only(client, hub_staff):
    from hubs.models import Hub, HubStaffAccount

    own = ServiceFactory(category=category("hub"))
    hub = Hub.objects.create(service=own, hub_type=Hub.Type.GENERAL, place_kind=Hub.PlaceKind.VACANT_SHOP)
    HubStaffAccount.objects.create(user=hub_staff, hub=hub)
    mine, other_hubs = (
        SessionFactory(service=own),
        SessionFactory(service=ServiceFactory(category=category("hub"))),
    )
    client.force_login(hub_staff)
    assert client.get(reverse("bookings:roster", args=[mine.pk])).status_code == 200
    assert client.get(reverse("bookings:roster", args=[other_hubs.pk])).status_code == 404
    assert (
        client.post(reverse("bookings:session_capacity", args=[other_hubs.pk]), {"capacity": 50}).status_code
        == 404
    )
    form = client.get(reverse("bookings:session_create")).content.decode()
    assert own.name in form and other_hubs.service.name not in form


def test_hub_staff_without_a_hub_run_nothing(client, hub_staff):
    session = SessionFactory(service=ServiceFactory(category=category("hub")))
    client.force_login(hub_staff)
    assert client.get(reverse("bookings:roster", args=[session.pk])).status_code == 404


def test_a_specialist_cannot_create_sessions_for_services_outside_their_site(client, specialist):
    service = ServiceFactory(category=category("user-support-basic"))
    client.force_login(specialist)
    day = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(
        reverse("bookings:session_create"),
        {"service": service.pk, "date": day, "start_time": "10:00", "end_time": "10:45"},
    )
    assert response.status_code == 200 and not Session.objects.exists()


def test_specialists_see_only_their_own_appointments(client, specialist):
    other_specialist = make_user("specialist-b@example.test", Role.SPECIALIST)
    mine = SessionFactory(specialist=specialist, capacity=1)
    theirs = SessionFactory(specialist=other_specialist, capacity=1)
    client.force_login(specialist)
    assert client.get(reverse("bookings:roster", args=[mine.pk])).status_code == 200
    assert client.get(reverse("bookings:roster", args=[theirs.pk])).status_code == 404
    listing = client.get(reverse("bookings:staff_sessions")).content.decode()
    assert reverse("bookings:roster", args=[mine.pk]) in listing
    assert reverse("bookings:roster", args=[theirs.pk]) not in listing


def test_parents_cannot_open_staff_pages(client, parent):
    session = SessionFactory()
    client.force_login(parent)
    assert client.get(reverse("bookings:roster", args=[session.pk])).status_code == 403
    assert client.get(reverse("bookings:staff_sessions")).status_code == 403


def test_staff_mark_attendance_and_add_a_walk_in(client, city_staff):
    start = today_in(10)
    session = SessionFactory(
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        opens_at=start - dt.timedelta(days=3),
        closes_at=start - dt.timedelta(minutes=5),
        cancel_cutoff=start - dt.timedelta(minutes=5),
        capacity=2,
    )
    booking = BookingFactory(session=session)
    client.force_login(city_staff)
    client.post(reverse("bookings:attendance_mark", args=[booking.pk]), {"attended": "0"})
    assert Booking.objects.get(pk=booking.pk).attended is False
    response = client.post(
        reverse("bookings:attendance_mark", args=[booking.pk]),
        {"attended": "1"},
        headers={"HX-Request": "true"},
    )
    assert 'id="roster"' in response.content.decode() and Booking.objects.get(pk=booking.pk).attended is True
    client.post(reverse("bookings:walk_in_add", args=[session.pk]), {"name": "近所の親子"})
    assert session.bookings.filter(parent__isnull=True, attended=True).count() == 1
    full = client.post(reverse("bookings:walk_in_add", args=[session.pk]), {"name": ""}, follow=True)
    assert "満席" in full.content.decode()
    assert session.bookings.count() == 2


def test_staff_cancel_a_session_with_a_reason(client, city_staff, django_capture_on_commit_callbacks):
    session = SessionFactory()
    booking = BookingFactory(session=session, sent={"confirmation": timezone.now()})
    client.force_login(city_staff)
    url = reverse("bookings:session_cancel", args=[session.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "中止の理由を入れてください" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"reason": "インフルエンザ流行のため"})
    assert Session.objects.get(pk=session.pk).status == "cancelled"
    assert mail.outbox[0].to == [booking.parent.email]


def test_staff_create_a_weekly_series_and_a_single_session(client, city_staff):
    service = ServiceFactory()
    client.force_login(city_staff)
    start = timezone.localdate() + dt.timedelta(days=2)
    response = client.post(
        reverse("bookings:series_create"),
        {
            "service": service.pk,
            "kind": "course",
            "title": "親子体操",
            "weekday": start.weekday(),
            "start_time": "10:00",
            "end_time": "11:00",
            "first_date": start.isoformat(),
            "last_date": (start + dt.timedelta(days=27)).isoformat(),
            "capacity": 8,
            "place": "ホール",
        },
    )
    assert response.status_code == 302
    assert 2 <= Session.objects.filter(series__isnull=False).count() <= 4
    bad = client.post(
        reverse("bookings:session_create"),
        {
            "service": service.pk,
            "date": "2020-01-01",
            "start_time": "11:00",
            "end_time": "10:00",
            "capacity": 0,
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and "今日以降の日付" in body and "終了時刻は開始時刻より後" in body
    good = client.post(
        reverse("bookings:session_create"),
        {
            "service": service.pk,
            "kind": "course",
            "date": start.isoformat(),
            "start_time": "13:00",
            "end_time": "14:00",
            "capacity": 3,
        },
    )
    assert good.status_code == 302 and Session.objects.filter(series__isnull=True, capacity=3).exists()


def test_staff_raise_capacity_and_the_waitlist_is_promoted(client, city_staff):
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)
    waiting = BookingFactory(session=session, status="waitlisted")
    client.force_login(city_staff)
    client.post(reverse("bookings:session_capacity", args=[session.pk]), {"capacity": "2"})
    assert Booking.objects.get(pk=waiting.pk).status == "confirmed"
    response = client.post(
        reverse("bookings:session_capacity", args=[session.pk]), {"capacity": "x"}, follow=True
    )
    assert "定員は1から500" in response.content.decode()


# --- Query counts ----------------------------------------------------------------------------------


def test_service_sessions_partial_with_50_sessions_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries
):
    service = ServiceFactory()
    for day in range(1, 51):
        session = SessionFactory(service=service, starts_at=in_days(day))
        BookingFactory(session=session)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("bookings:service_sessions", args=[service.pk]))
    assert response.content.decode().count('class="card"') == 50


def test_my_bookings_with_50_bookings_runs_a_bounded_number_of_queries(
    client, parent, django_assert_max_num_queries
):
    child = ChildFactory(parent=parent)
    service = ServiceFactory()
    for day in range(1, 51):
        BookingFactory(
            session=SessionFactory(service=service, starts_at=in_days(day)), child=child, parent=parent
        )
    client.force_login(parent)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("bookings:my_bookings"))
    assert response.content.decode().count('class="card"') == 50


def test_htmx_booking_redirects_the_whole_page(client, parent, child):
    session = SessionFactory()
    client.force_login(parent)
    url = reverse("bookings:booking_confirm", args=[session.pk])
    response = client.post(url, {"child": child.pk}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("bookings:booking_detail", args=[Booking.objects.get().pk])
    refused = client.post(url, {"child": ""}, headers={"HX-Request": "true"})
    assert refused["HX-Redirect"] == reverse("bookings:session_detail", args=[session.pk])
