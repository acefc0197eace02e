"""予約枠の種類: each kind's policy says who may book, with the reason and its date when not."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from facilities.bookings import kinds, services
from facilities.bookings.models import Child, Session
from facilities.models import age_range_text, age_text, hours_text
from tests.bookings.factories import ServiceFactory, SessionFactory, category, in_days
from tests.conftest import make_user

JST = dt.timezone(dt.timedelta(hours=9))
SESSION_DAY = dt.date(2026, 7, 15)


def _session(kind: str = "course", **fields) -> Session:
    starts = dt.datetime.combine(SESSION_DAY, dt.time(10), tzinfo=JST)
    return Session(kind=kind, starts_at=starts, ends_at=starts + dt.timedelta(hours=1), **fields)


def _child(birth: dt.date, name: str = "たろう") -> Child:
    return Child(nickname=name, birth_date=birth)


def _pregnancy(due: dt.date) -> Child:
    return Child(nickname="おなか", is_pregnancy=True, due_date=due)


@pytest.mark.parametrize(
    ("months", "text"),
    [(0, "0か月"), (6, "6か月"), (12, "1歳"), (18, "1歳6か月"), (36, "3歳"), (216, "18歳")],
)
def test_ages_read_in_years_and_months(months, text):
    assert age_text(months) == text


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [
        (18, 36, "1歳6か月から3歳未満まで"),
        (0, 216, "18歳未満"),  # never 「0か月から 216か月未満まで」
        (None, 36, "3歳未満"),
        (6, None, "6か月から"),
        (None, None, "年齢の制限はありません"),
    ],
)
def test_age_ranges_read_as_parents_say_them(low, high, text):
    assert age_range_text(low, high) == text


def test_ages_in_english_have_plurals():
    with translation.override("en"):
        assert age_text(18) == "1 year 6 months"
        assert age_text(13) == "1 year 1 month"
        assert age_range_text(18, 36) == "from 1 year 6 months to under 3 years"


def test_a_round_the_clock_period_reads_24_hours_not_midnight_to_midnight():
    assert hours_text(dt.time(0), dt.time(0)) == "24時間"
    assert hours_text(dt.time(9), dt.time(17)) == "09:00–17:00"
    assert hours_text(dt.time(17), dt.time(9)) == "17:00–09:00（翌日）"


def test_too_young_says_from_which_date():
    session = _session(min_age_months=18, max_age_months=36)
    reason = session.ineligibility_reason(_child(dt.date(2025, 3, 1)))  # 1歳4か月 on the day
    assert reason == "たろう さんは 2026年9月1日 から対象です（1歳6か月から）。"


def test_too_old_says_since_which_date():
    session = _session(min_age_months=6, max_age_months=36)
    reason = session.ineligibility_reason(_child(dt.date(2023, 5, 31)))
    assert reason == "たろう さんは 2026年5月31日 で対象の年齢（3歳未満）を過ぎました。"


def test_the_date_a_child_comes_of_age_follows_the_month_end_rule():
    # Born 31 Aug: 6 months on 28 Feb (no 31 Feb), as age_in_months counts it.
    session = Session(kind="course", starts_at=dt.datetime(2026, 2, 27, 10, tzinfo=JST), min_age_months=6)
    assert "2026年2月28日 から" in session.ineligibility_reason(_child(dt.date(2025, 8, 31)))
    session.starts_at += dt.timedelta(days=1)
    assert session.accepts(_child(dt.date(2025, 8, 31)))


def test_a_pregnancy_class_is_for_a_pregnancy_and_says_so():
    session = _session("pregnancy_class")
    kinds.policy_for("pregnancy_class").prepare(session)
    assert session.audience_label() == "妊娠中の方（出産予定日が開催日以降の方）"
    assert session.accepts(_pregnancy(dt.date(2026, 9, 1)))
    seven = session.ineligibility_reason(_child(dt.date(2019, 6, 1)))
    assert seven == "たろう さんはこの回の対象ではありません（この回は妊娠中の方の講座です）。"


def test_a_pregnancy_past_its_due_date_is_told_so():
    session = _session("pregnancy_class")
    reason = session.ineligibility_reason(_pregnancy(dt.date(2026, 7, 1)))
    assert "出産予定日（2026年7月1日）" in reason


def test_an_appointment_is_for_any_parent_whatever_the_service_says():
    session = _session("appointment", min_age_months=0, max_age_months=36, for_pregnant=True)
    kinds.policy_for("appointment").prepare(session)
    assert session.audience_label() == "保護者の方どなたでも"
    assert session.accepts(_child(dt.date(2015, 1, 1)))
    assert session.accepts(_pregnancy(dt.date(2026, 9, 1)))


def test_temporary_care_is_for_children_only():
    session = _session("temporary_care", min_age_months=6, max_age_months=72, for_pregnant=True)
    kinds.policy_for("temporary_care").prepare(session)
    assert session.audience_label() == "6か月から6歳未満まで"
    assert "妊娠中" in session.ineligibility_reason(_pregnancy(dt.date(2026, 9, 1)))


def test_a_course_open_to_pregnancy_names_both_audiences():
    session = _session(min_age_months=0, max_age_months=36, for_pregnant=True)
    assert session.audience_label() == "3歳未満、妊娠中の方"
    assert session.accepts(_pregnancy(dt.date(2026, 9, 1)))


def test_the_kinds_staff_may_create_depend_on_the_role():
    assert [p.value for p in kinds.creatable_by("specialist")] == ["appointment"]
    assert "appointment" not in [p.value for p in kinds.creatable_by("hub_staff")]
    assert {value for value, _label in kinds.choices()} == {
        "course",
        "temporary_care",
        "popup",
        "pregnancy_class",
        "appointment",
    }


def test_a_session_made_after_its_usual_closing_time_is_bookable_until_it_starts():
    policy = kinds.policy_for("course")
    now = dt.datetime(2026, 7, 14, 18, 0, tzinfo=JST)  # after 17:00 the day before
    starts = dt.datetime(2026, 7, 15, 10, 0, tzinfo=JST)
    opens, closes, cutoff = policy.window(starts, now=now)
    assert opens == dt.datetime(2026, 6, 15, 0, 0, tzinfo=JST) and closes == cutoff == starts
    earlier = dt.datetime(2026, 7, 10, 9, 0, tzinfo=JST)
    assert policy.window(starts, now=earlier)[1] == dt.datetime(2026, 7, 14, 17, 0, tzinfo=JST)


@pytest.mark.django_db
def test_an_appointment_has_one_seat_and_a_specialist():
    service = ServiceFactory(min_age_months=0, max_age_months=72, for_pregnant=True)
    specialist = make_user("s@example.test", "specialist")
    session = services.session_create(
        service=service,
        kind="appointment",
        starts_at=in_days(5),
        ends_at=in_days(5, 11),
        capacity=8,
        specialist=specialist,
        by=specialist,
    )
    assert (session.capacity, session.min_age_months, session.for_pregnant) == (1, None, False)
    with pytest.raises(ValidationError, match="利用者支援専門員が必要"):
        services.session_create(
            service=service, kind="appointment", starts_at=in_days(6), ends_at=in_days(6, 11), by=None
        )


@pytest.mark.django_db
def test_a_popup_plaza_with_a_session_is_marked_bookable_online():
    popup = ServiceFactory(category=category("popup-hub"), bookable_online=False, walk_in=True)
    services.session_create(
        service=popup, kind="popup", starts_at=in_days(5), ends_at=in_days(5, 15), capacity=15, by=None
    )
    popup.refresh_from_db()
    assert popup.bookable_online


@pytest.mark.django_db
def test_the_data_migration_gives_existing_sessions_the_kind_they_were_treated_as():
    assign_kinds = importlib.import_module("facilities.bookings.migrations.0002_session_kind").assign_kinds
    specialist = make_user("s@example.test", "specialist")
    appointment = SessionFactory(specialist=specialist, capacity=1, service__for_pregnant=True)
    popup_service = ServiceFactory(category=category("popup-hub"), bookable_online=False)
    popup = SessionFactory(service=popup_service)
    care = SessionFactory(service=ServiceFactory(category=category("temporary-care")))
    parents_class = SessionFactory(title="両親学級（沐浴の練習）", max_age_months=216, for_pregnant=True)
    course = SessionFactory()
    Session.objects.update(kind="course")
    assign_kinds(apps, None)
    kinds_now = dict(Session.objects.values_list("pk", "kind"))
    assert kinds_now == {
        appointment.pk: "appointment",
        popup.pk: "popup",
        care.pk: "temporary_care",
        parents_class.pk: "pregnancy_class",
        course.pk: "course",
    }
    assert Session.objects.get(pk=parents_class.pk).max_age_months is None
    popup_service.refresh_from_db()
    assert popup_service.bookable_online


def test_a_due_date_has_passed_from_the_next_local_day():
    child = Child(is_pregnancy=True, due_date=timezone.localdate() - dt.timedelta(days=1))
    assert child.due_date_passed()
    assert not Child(is_pregnancy=True, due_date=timezone.localdate()).due_date_passed()
