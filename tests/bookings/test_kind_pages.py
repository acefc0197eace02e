"""What parents and staff see of session kinds: 「対象」, reasons, past rosters, today's sessions,
the cancel deadline, and the attendance buttons."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.models import SiteType, Specialist, UserSupportSite
from facilities.bookings import services
from facilities.bookings.models import Booking, Session
from facilities.models import WeeklyHours
from tests.bookings.factories import (
    BookingFactory,
    ChildFactory,
    ServiceFactory,
    SessionFactory,
    category,
    in_days,
    today_in,
)

pytestmark = pytest.mark.django_db


def test_an_appointment_is_labelled_for_any_parent_not_for_pregnancy(client):
    concierge = ServiceFactory(name="子育てコンシェルジュ（市役所）", for_pregnant=True)
    SessionFactory(service=concierge, kind="appointment", title="保育コンシェルジュ 相談予約", capacity=1)
    page = client.get(concierge.get_absolute_url()).content.decode()
    assert "対象：保護者の方どなたでも" in page and "対象：妊娠中の方" not in page
    assert '<span class="tag">相談予約</span>' in page


def test_a_parents_class_says_it_is_for_a_pregnancy_and_gives_each_child_its_reason(client, parent):
    session = SessionFactory(kind="pregnancy_class", title="両親学級（沐浴の練習）", for_pregnant=True)
    ChildFactory(
        parent=parent, nickname="ななみ", birth_date=timezone.localdate() - dt.timedelta(days=7 * 365)
    )
    ChildFactory(
        parent=parent, nickname="おなか", birth_date=None, is_pregnancy=True, due_date=in_days(60).date()
    )
    client.force_login(parent)
    page = client.get(reverse("bookings:session_detail", args=[session.pk])).content.decode()
    assert "妊娠中の方（出産予定日が開催日以降の方）" in page
    assert "ななみ さんはこの回の対象ではありません（この回は妊娠中の方の講座です）。" in page
    assert 'type="radio"' in page and "おなか" in page  # the pregnancy is the one to choose


def test_too_young_children_see_the_date_they_may_come_from(client, parent):
    session = SessionFactory(min_age_months=18, max_age_months=36)
    ChildFactory(parent=parent, nickname="たろう")  # 12 months
    client.force_login(parent)
    page = client.get(reverse("bookings:session_detail", args=[session.pk])).content.decode()
    assert "たろう さんは" in page and "から対象です（1歳6か月から）" in page
    assert "1歳6か月から3歳未満まで（開催日の月齢で判断します）" in page


@pytest.fixture
def specialist_site(specialist):
    service = ServiceFactory(name="ひろば なかよし 利用者支援", category=category("user-support-basic"))
    site = UserSupportSite.objects.create(service=service, site_type=SiteType.objects.get(code="basic"))
    Specialist.objects.create(user=specialist, site=site, is_lead=True)
    return service


def test_a_specialist_creates_appointments_only_with_one_seat(client, specialist, specialist_site):
    client.force_login(specialist)
    form = client.get(reverse("bookings:session_create")).context["form"]
    assert [value for value, _label in form.fields["kind"].choices] == ["appointment"]
    assert "capacity" not in form.fields
    response = client.post(
        reverse("bookings:session_create"),
        {
            "service": specialist_site.pk,
            "kind": "appointment",
            "date": in_days(3).date().isoformat(),
            "start_time": "10:00",
            "end_time": "10:45",
        },
    )
    session = Session.objects.get()
    assert response.status_code == 302
    assert (session.kind, session.capacity, session.specialist) == ("appointment", 1, specialist)


def test_hub_or_city_staff_cannot_create_an_appointment(client, city_staff):
    client.force_login(city_staff)
    response = client.post(
        reverse("bookings:session_create"),
        {
            "service": ServiceFactory().pk,
            "kind": "appointment",
            "date": in_days(3).date().isoformat(),
            "start_time": "10:00",
            "end_time": "10:45",
            "capacity": 1,
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["kind"]
    assert not Session.objects.exists()


def test_a_session_for_later_today_can_be_created_and_booked_until_it_starts(
    client, city_staff, parent, monkeypatch
):
    # Noon today (JST), whenever the test runs: near midnight there would be no "later today".
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: noon)
    starts = noon + dt.timedelta(minutes=3)
    client.force_login(city_staff)
    response = client.post(
        reverse("bookings:session_create"),
        {
            "service": ServiceFactory().pk,
            "kind": "course",
            "date": starts.date().isoformat(),
            "start_time": starts.strftime("%H:%M"),
            "end_time": "23:59",
            "capacity": 5,
        },
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.is_bookable_now() and session.closes_at == session.starts_at
    child = ChildFactory(parent=parent)
    assert services.booking_create(session=session, parent=parent, child=child).status == "confirmed"


def test_a_session_that_already_started_today_is_refused(client, city_staff):
    started = timezone.localtime() - dt.timedelta(minutes=1)
    client.force_login(city_staff)
    response = client.post(
        reverse("bookings:session_create"),
        {
            "service": ServiceFactory().pk,
            "kind": "course",
            "date": started.date().isoformat(),
            "start_time": started.strftime("%H:%M"),
            "end_time": "23:59",
            "capacity": 5,
        },
    )
    assert response.status_code == 200 and "これから始まる時刻" in response.content.decode()
    assert not Session.objects.exists()


def _past_session(days_ago: int, title: str) -> Session:
    starts = in_days(-days_ago)
    return SessionFactory(
        title=title,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        opens_at=starts - dt.timedelta(days=30),
        closes_at=starts - dt.timedelta(hours=17),
    )


def test_rosters_of_the_last_60_days_are_listed_for_attendance(client, city_staff):
    _past_session(30, "先月の講座")
    _past_session(60, "60日前の講座")
    _past_session(61, "61日前の講座")
    SessionFactory(title="来週の講座")
    client.force_login(city_staff)
    past = client.get(reverse("bookings:staff_sessions"), {"past": "1"}).content.decode()
    assert "先月の講座" in past and "60日前の講座" in past
    assert "61日前の講座" not in past and "来週の講座" not in past
    upcoming = client.get(reverse("bookings:staff_sessions")).content.decode()
    assert "来週の講座" in upcoming and "先月の講座" not in upcoming
    assert "?past=1" in upcoming


def test_attendance_of_a_past_session_can_still_be_recorded(client, city_staff):
    booking = BookingFactory(session=_past_session(30, "先月の講座"))
    client.force_login(city_staff)
    client.post(reverse("bookings:attendance_mark", args=[booking.pk]), {"attended": "1"})
    booking.refresh_from_db()
    assert booking.attended is True


def test_the_recorded_attendance_is_the_solid_pressed_button(client, city_staff):
    booking = BookingFactory(
        session=SessionFactory(
            starts_at=today_in(30),
            ends_at=today_in(30) + dt.timedelta(hours=1),
            opens_at=today_in(30) - dt.timedelta(days=30),
            closes_at=today_in(30) - dt.timedelta(hours=1),
        ),
        attended=True,
    )
    client.force_login(city_staff)
    page = client.get(reverse("bookings:roster", args=[booking.session_id])).content.decode()
    assert 'value="1" aria-pressed="true">' in page  # solid: no "secondary" outline
    assert 'value="0" class="secondary" aria-pressed="false">' in page


def test_after_the_cancel_deadline_the_booking_shows_it_and_the_number_to_call(client, parent):
    service = ServiceFactory(phone="03-1234-5678")
    starts = in_days(1)
    session = SessionFactory(
        service=service,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        cancel_cutoff=timezone.now() - dt.timedelta(hours=1),
    )
    booking = BookingFactory(session=session, child=ChildFactory(parent=parent))
    client.force_login(parent)
    page = client.get(reverse("bookings:booking_detail", args=[booking.pk])).content.decode()
    cutoff = timezone.localtime(session.cancel_cutoff)
    assert f"キャンセルの期限（{cutoff:%Y-%m-%d %H:%M}）を過ぎました" in page
    assert 'href="tel:03-1234-5678"' in page
    assert reverse("bookings:booking_cancel", args=[booking.pk]) not in page
    for other_page in (
        reverse("bookings:my_bookings"),
        reverse("bookings:booking_cancel", args=[booking.pk]),
    ):
        assert 'href="tel:03-1234-5678"' in client.get(other_page).content.decode()
    assert booking.status == Booking.Status.CONFIRMED


def test_the_service_page_reads_24_hours_and_ages_in_years(client):
    service = ServiceFactory(min_age_months=0, max_age_months=216)
    for day in range(7):
        WeeklyHours.objects.create(service=service, weekday=day, opens_at=dt.time(0), closes_at=dt.time(0))
    page = client.get(service.get_absolute_url()).content.decode()
    assert "24時間" in page and "00:00–00:00" not in page
    assert "18歳未満" in page and "216" not in page


def test_a_popup_plaza_with_sessions_is_bookable_everywhere(client):
    popup = ServiceFactory(
        name="出張ひろば みなと", category=category("popup-hub"), bookable_online=False, walk_in=True
    )
    services.session_create(
        service=popup,
        kind="popup",
        title="出張ひろば",
        starts_at=in_days(5),
        ends_at=in_days(5, 15),
        capacity=15,
        by=None,
    )
    page = client.get(popup.get_absolute_url()).content.decode()
    assert "予約なしで、開いている時間に直接来てください" not in page
    assert "ネットで予約できます" in page and "予約する" in page
    results = client.get(
        reverse("facilities:search"), {"q": "出張ひろば", "bookable_online": "on"}
    ).content.decode()
    assert "出張ひろば みなと" in results and "ネット予約" in results


def test_the_roster_with_ages_costs_the_same_for_20_children_as_for_1(
    client, city_staff, django_assert_num_queries
):
    session = SessionFactory()
    BookingFactory(session=session)
    client.force_login(city_staff)
    url = reverse("bookings:roster", args=[session.pk])
    client.get(url)  # warm the session and permission look-ups
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(19):
        BookingFactory(session=session)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("1歳") == 20
