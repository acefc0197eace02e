"""Reads of the hub registry that other apps and the city's view use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Prefetch
from django.utils import timezone

from facilities.models import Location, WeeklyHours
from hubs.models import Hub, HubTransition, MonthlyReport
from portal.dates import add_months, first_of_month, previous_month
from portal.models import Role

# How far back the registry chases missing reports.
OVERDUE_WINDOW_MONTHS = 12


def hub_for_staff(user) -> Hub | None:
    """The hub a hub-staff user works for (None for anyone else)."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.HUB_STAFF or not user.is_active:
        return None
    return Hub.objects.filter(staff_accounts__user=user).select_related("service").first()


def hubs_with_schedule():
    """Hubs with what the registry pages show, in a bounded number of queries."""
    return Hub.objects.select_related("service__location__area", "service__organization").prefetch_related(
        Prefetch("service__weekly_hours", queryset=WeeklyHours.objects.order_by("weekday", "opens_at")),
        "staff",
    )


@dataclass(frozen=True)
class Overdue:
    hub: Hub
    month: dt.date


def overdue_reports(*, until: dt.date) -> list[Overdue]:
    """Months up to ``until`` for which an approved hub has no submitted or accepted report (未提出).

    A hub owes reports from the month it was first approved, within the last twelve months.
    """
    until = first_of_month(until)
    earliest = add_months(until, -(OVERDUE_WINDOW_MONTHS - 1))
    hubs = list(Hub.objects.filter(status=Hub.Status.APPROVED).select_related("service"))
    approved_since = {}
    for transition in HubTransition.objects.filter(hub__in=hubs, to_status=Hub.Status.APPROVED).order_by(
        "at"
    ):
        approved_since.setdefault(transition.hub_id, first_of_month(timezone.localtime(transition.at).date()))
    filed = set(
        MonthlyReport.objects.filter(
            hub__in=hubs,
            month__gte=earliest,
            status__in=[MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.ACCEPTED],
        ).values_list("hub_id", "month")
    )
    overdue = []
    for hub in hubs:
        month = max(earliest, approved_since.get(hub.pk, earliest))
        while month <= until:
            if (hub.pk, month) not in filed:
                overdue.append(Overdue(hub, month))
            month = add_months(month, 1)
    return overdue


def month_due(hub: Hub) -> dt.date:
    """The month a hub's staff most likely file next: the oldest one missing, else last month."""
    last_month = previous_month(timezone.localdate())
    missing = [item.month for item in overdue_reports(until=last_month) if item.hub.pk == hub.pk]
    return min(missing, default=last_month)


def map_center() -> dict[str, float]:
    """Where the place picker's map starts: the middle of the places the directory has located."""
    middle = Location.objects.filter(latitude__isnull=False, longitude__isnull=False).aggregate(
        lat=Avg("latitude"), lng=Avg("longitude")
    )
    if middle["lat"] is None:
        return {"lat": 36.0, "lng": 138.0, "zoom": 5}  # nothing located yet: all of Japan
    return {"lat": float(middle["lat"]), "lng": float(middle["lng"]), "zoom": 12}
