"""Prefill of the monthly report (月次実績報告) from what the portal already knows.

Open days come from the hub's weekly schedule (less its closed dates), 出張ひろば days from the
popups' dates. Booking attendance is read through :func:`booked_attendance` only: it uses the booking
app's models (``bookings.Session`` / ``bookings.Booking``) when they exist, and reports nothing otherwise.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count

from facilities.models import SpecialHours
from hubs.models import Hub, MonthlyReport


def month_dates(month: dt.date) -> list[dt.date]:
    days = calendar.monthrange(month.year, month.month)[1]
    return [month.replace(day=d) for d in range(1, days + 1)]


def booked_attendance(service_ids: Iterable[int], month: dt.date) -> dict[int, tuple[int, int]]:
    """{service id: (sessions held, attended bookings)} for sessions starting in ``month``.

    Empty when the booking app has no Session/Booking models (yet).
    """
    if not apps.is_installed("facilities.bookings"):
        return {}
    try:
        session_model = apps.get_model("bookings", "Session")
        booking_model = apps.get_model("bookings", "Booking")
    except LookupError:
        return {}
    sessions = session_model.objects.filter(
        service_id__in=list(service_ids), starts_at__year=month.year, starts_at__month=month.month
    ).exclude(status="cancelled")
    held = dict(sessions.values("service_id").annotate(n=Count("pk")).values_list("service_id", "n"))
    attended = dict(
        booking_model.objects.filter(session__in=sessions, attended=True)
        .values("session__service_id")
        .annotate(n=Count("pk"))
        .values_list("session__service_id", "n")
    )
    return {pk: (count, attended.get(pk, 0)) for pk, count in held.items()}


def report_prefill(hub: Hub, month: dt.date) -> dict[str, int]:
    """Initial values of a hub's report for ``month``; staff correct them before submitting."""
    open_weekdays = {p.weekday for p in hub.periods() if p.closes_at > p.opens_at}
    special = SpecialHours.objects.filter(
        service_id=hub.service_id, date__year=month.year, date__month=month.month
    )
    closed = {s.date for s in special if s.is_closed}
    extra_open = {s.date for s in special if not s.is_closed}
    days_opened = sum(
        1 for d in month_dates(month) if (d.weekday() in open_weekdays and d not in closed) or d in extra_open
    )
    popup_service_ids = list(hub.popups.values_list("service_id", flat=True))
    popup_days = (
        SpecialHours.objects.filter(
            service_id__in=popup_service_ids, is_closed=False, date__year=month.year, date__month=month.month
        )
        .values("date")
        .distinct()
        .count()
    )
    attendance = booked_attendance([hub.service_id, *popup_service_ids], month)
    courses_held, course_attendance = attendance.get(hub.service_id, (0, 0))
    popup_users = sum(attendance.get(pk, (0, 0))[1] for pk in popup_service_ids)
    return {
        "days_opened": days_opened,
        "popup_days": popup_days,
        "courses_held": courses_held,
        "course_attendance": course_attendance,
        "popup_users": popup_users,
    }


@dataclass(frozen=True)
class Difference:
    """A count the report gives that differs from what the portal recorded for the month."""

    label: str
    entered: int
    recorded: int


def recorded_differences(report: MonthlyReport) -> list[Difference]:
    """Counts of ``report`` that differ from the portal's records (講習 0 while a course had bookings),
    in the order the report declares them; hub staff see them before submitting."""
    recorded = report_prefill(report.hub, report.month)
    return [
        Difference(MonthlyReport.label(name), getattr(report, name), recorded[name])
        for name in MonthlyReport.count_fields()
        if name in recorded and getattr(report, name) != recorded[name]
    ]
