"""Opening hours: several periods a day, overnight periods, exception dates and 祝日, at the boundaries.

The rule lives twice on purpose — ``Service.is_open_at`` (one service, prefetched hours) and
``ServiceQuerySet.open_at`` (the search filter, in SQL) — so every case checks both agree.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from facilities.models import Service, is_public_holiday
from tests.facilities.factories import ServiceFactory, special, weekly

WED = dt.date(2026, 11, 25)
THU = WED + dt.timedelta(days=1)
TUE = WED - dt.timedelta(days=1)
HOLIDAY_MON = dt.date(2026, 11, 23)  # 勤労感謝の日


def at(day: dt.date, clock: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(clock)))


def assert_open(service: Service, when: dt.datetime, expected: bool) -> None:
    fresh = Service.objects.prefetch_related("weekly_hours", "special_hours").get(pk=service.pk)
    assert fresh.is_open_at(when) is expected, f"is_open_at({when})"
    in_sql = Service.objects.open_at(when).filter(pk=service.pk).exists()
    assert in_sql is expected, f"open_at({when}) in SQL"


def test_calendar_facts_the_tests_rely_on():
    assert WED.weekday() == 2
    assert is_public_holiday(HOLIDAY_MON)
    assert not is_public_holiday(WED) and not is_public_holiday(TUE) and not is_public_holiday(THU)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(WED, "08:59"), False),
        (at(WED, "09:00"), True),
        (at(WED, "16:59"), True),
        (at(WED, "17:00"), False),  # closing time is exclusive
        (at(WED, "23:59"), False),
        (at(THU, "00:00"), False),
    ],
)
def test_day_service_boundaries(db, when, expected):
    service = ServiceFactory()
    weekly(service, 2, "09:00", "17:00")
    assert_open(service, when, expected)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (at(WED, "17:59"), False),
        (at(WED, "18:00"), True),
        (at(WED, "23:59"), True),
        (at(THU, "00:00"), True),  # past midnight: Wednesday's period still runs
        (at(THU, "01:59"), True),
        (at(THU, "02:00"), False),
        (at(WED, "01:00"), False),  # Tuesday has no period, so nothing runs into Wednesday
    ],
)
def test_overnight_period_runs_past_midnight(db, when, expected):
    service = ServiceFactory()
    weekly(service, 2, "18:00", "02:00")
    assert_open(service, when, expected)


@pytest.mark.parametrize("clock", ["00:00", "12:00", "23:59"])
def test_round_the_clock_service_is_open_at_every_minute(db, clock):
    service = ServiceFactory(closed_on_holidays=False)
    for day in range(7):
        weekly(service, day, "00:00", "00:00")
    assert_open(service, at(WED, clock), True)
    assert_open(service, at(HOLIDAY_MON, clock), True)


def test_several_periods_a_day_leave_the_gap_closed(db):
    service = ServiceFactory()
    weekly(service, 2, "09:00", "12:00")
    weekly(service, 2, "13:00", "17:00")
    assert_open(service, at(WED, "11:59"), True)
    assert_open(service, at(WED, "12:30"), False)
    assert_open(service, at(WED, "13:00"), True)


def test_closed_exception_date_overrides_the_weekly_hours(db):
    service = ServiceFactory()
    weekly(service, 1, "18:00", "02:00")
    weekly(service, 2, "09:00", "17:00")
    special(service, WED)  # 臨時休業
    assert_open(service, at(WED, "10:00"), False)
    # Tuesday's overnight period belongs to Tuesday, so it still runs into Wednesday morning.
    assert_open(service, at(WED, "01:00"), True)


def test_open_exception_date_opens_a_day_without_weekly_hours(db):
    service = ServiceFactory()  # a 出張ひろば: open on given dates only
    special(service, THU, "10:00", "15:00")
    assert_open(service, at(THU, "10:00"), True)
    assert_open(service, at(THU, "15:00"), False)
    assert_open(service, at(THU + dt.timedelta(days=7), "10:00"), False)


def test_public_holiday_closes_services_that_close_on_holidays(db):
    closes = ServiceFactory(closed_on_holidays=True)
    stays_open = ServiceFactory(closed_on_holidays=False)
    for service in (closes, stays_open):
        weekly(service, 0, "09:00", "17:00")
    assert_open(closes, at(HOLIDAY_MON, "10:00"), False)
    assert_open(stays_open, at(HOLIDAY_MON, "10:00"), True)
    assert_open(closes, at(HOLIDAY_MON + dt.timedelta(days=7), "10:00"), True)


def test_exception_date_beats_the_holiday_rule(db):
    service = ServiceFactory(closed_on_holidays=True)
    special(service, HOLIDAY_MON, "10:00", "12:00")  # 祝日開館
    assert_open(service, at(HOLIDAY_MON, "11:00"), True)


def test_temporarily_closed_service_is_never_open(db):
    service = ServiceFactory(status=Service.Status.TEMPORARILY_CLOSED)
    weekly(service, 2, "00:00", "00:00")
    assert_open(service, at(WED, "12:00"), False)


def test_python_and_sql_agree_on_the_demo_city_over_a_week(demo_city):
    services = list(Service.objects.prefetch_related("weekly_hours", "special_hours"))
    for day in [HOLIDAY_MON + dt.timedelta(days=n) for n in range(7)]:
        for clock in ["00:00", "07:59", "08:00", "12:00", "17:00", "21:59", "22:00", "23:59"]:
            when = at(day, clock)
            in_sql = set(Service.objects.open_at(when).values_list("pk", flat=True))
            in_python = {s.pk for s in services if s.is_open_at(when)}
            assert in_sql == in_python, when
