"""対象年齢: age in whole months on the session date; 6 months to under 3 years, boundary days included."""

from __future__ import annotations

import datetime as dt

import pytest

from facilities.bookings.models import Child, Session, age_in_months

SESSION_DAY = dt.date(2026, 7, 15)


@pytest.mark.parametrize(
    ("birth", "on", "months"),
    [
        (dt.date(2026, 1, 15), dt.date(2026, 7, 15), 6),  # the same day of the month completes a month
        (dt.date(2026, 1, 15), dt.date(2026, 7, 14), 5),  # the day before does not
        (dt.date(2025, 8, 31), dt.date(2026, 2, 28), 6),  # no 31 Feb: the month completes on its last day
        (dt.date(2025, 8, 31), dt.date(2026, 2, 27), 5),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28), 12),
        (dt.date(2023, 7, 15), dt.date(2026, 7, 15), 36),
        (dt.date(2023, 7, 15), dt.date(2026, 7, 14), 35),
    ],
)
def test_age_in_whole_months(birth, on, months):
    assert age_in_months(birth, on) == months


def _session(**fields) -> Session:
    starts = dt.datetime.combine(SESSION_DAY, dt.time(10), tzinfo=dt.timezone(dt.timedelta(hours=9)))
    return Session(starts_at=starts, **fields)


def _child(birth: dt.date) -> Child:
    return Child(nickname="こ", birth_date=birth)


@pytest.mark.parametrize(
    ("birth", "eligible"),
    [
        (dt.date(2026, 1, 16), False),  # 5 months on the session date (6 months the next day)
        (dt.date(2026, 1, 15), True),  # exactly 6 months on the session date
        (dt.date(2023, 7, 16), True),  # 35 months: still under 3 years
        (dt.date(2023, 7, 15), False),  # 3rd birthday on the session date: 36 months is excluded
    ],
)
def test_six_months_to_under_three_years_is_judged_on_the_session_date(birth, eligible):
    session = _session(min_age_months=6, max_age_months=36)
    assert session.accepts(_child(birth)) is eligible


def test_age_is_counted_on_the_session_date_not_today(settings):
    # Born 2026-01-20: 5 months on 2026-07-15 whatever the day of booking.
    session = _session(min_age_months=6, max_age_months=36)
    assert not session.accepts(_child(dt.date(2026, 1, 20)))
    later = _session(min_age_months=6, max_age_months=36)
    later.starts_at += dt.timedelta(days=5)
    assert later.accepts(_child(dt.date(2026, 1, 20)))


def test_a_child_not_yet_born_on_the_session_date_is_not_eligible():
    assert not _session().accepts(_child(dt.date(2026, 8, 1)))


def test_pregnancy_profile_is_eligible_only_for_sessions_for_pregnant_people_before_the_due_date():
    expecting = Child(nickname="おなか", is_pregnancy=True, due_date=dt.date(2026, 9, 1))
    assert _session(for_pregnant=True, min_age_months=0, max_age_months=36).accepts(expecting)
    assert not _session(for_pregnant=False, min_age_months=0, max_age_months=36).accepts(expecting)
    born = Child(nickname="おなか", is_pregnancy=True, due_date=dt.date(2026, 7, 1))
    assert not _session(for_pregnant=True).accepts(born)


def test_session_without_age_range_accepts_any_child():
    assert _session().accepts(_child(dt.date(2015, 1, 1)))


@pytest.mark.django_db
def test_child_needs_a_birth_date_or_a_due_date(parent):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        Child(parent=parent, nickname="こ").full_clean()
    assert "birth_date" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        Child(parent=parent, nickname="こ", is_pregnancy=True).full_clean()
    assert "due_date" in error.value.message_dict
