"""The city's view of its hubs (市の集計): by area and type, bands, add-ons, missing reports, annual
totals, and the CSV for the national return (国への実績報告)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import Area
from hubs import rules
from hubs.models import Hub, MonthlyReport
from hubs.selectors import hubs_with_schedule, overdue_reports
from portal.dates import add_months, previous_month
from portal.permissions import city_staff_required
from portal.spreadsheets import CsvWriter, csv_attachment

FILED = [MonthlyReport.Status.SUBMITTED, MonthlyReport.Status.ACCEPTED]


def fiscal_year_of(day: dt.date) -> int:
    """年度 (April to March) a day belongs to."""
    return day.year if day.month >= 4 else day.year - 1


def _year_param(request: HttpRequest) -> int:
    default = fiscal_year_of(previous_month(timezone.localdate()))
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= default + 1 else default


@dataclass
class HubTotals:
    hub: Hub
    months: int = 0
    no_course_months: int = 0
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def users(self) -> int:
        return sum(self.totals.get(name, 0) for name in MonthlyReport.user_fields())


def annual_totals(year: int, hubs: list[Hub]) -> tuple[list[HubTotals], dict[str, HubTotals]]:
    """Per hub and per type, the sums of filed reports of 年度 ``year`` (April ``year`` – March next)."""
    start = dt.date(year, 4, 1)
    rows = (
        MonthlyReport.objects.filter(month__gte=start, month__lte=add_months(start, 11), status__in=FILED)
        .values("hub_id")
        .annotate(
            months=Count("pk"),
            no_course_months=Count("pk", filter=Q(courses_held=0)),
            **{f"sum_{name}": Sum(name) for name in MonthlyReport.count_fields()},
        )
    )
    by_hub = {row["hub_id"]: row for row in rows}
    per_hub, per_type = [], {t: HubTotals(hub=None) for t in Hub.Type.values}  # type: ignore[arg-type]
    for hub in hubs:
        row = by_hub.get(hub.pk, {})
        item = HubTotals(
            hub=hub,
            months=row.get("months", 0),
            no_course_months=row.get("no_course_months", 0),
            totals={name: row.get(f"sum_{name}") or 0 for name in MonthlyReport.count_fields()},
        )
        per_hub.append(item)
        subtotal = per_type[hub.hub_type]
        subtotal.months += item.months
        subtotal.no_course_months += item.no_course_months
        for name, value in item.totals.items():
            subtotal.totals[name] = subtotal.totals.get(name, 0) + value
    return per_hub, per_type


def hubs_of_year(year: int) -> list[Hub]:
    """Hubs a fiscal year's totals list, the same for the city's table and the annual CSV: those
    operating now (承認, 休止) and any that filed a report for the year (e.g. abolished since).
    申請中 and 審査中 hubs have not operated, so they are not rows of the return."""
    start = dt.date(year, 4, 1)
    filed = MonthlyReport.objects.filter(
        month__gte=start, month__lte=add_months(start, 11), status__in=FILED
    ).values("hub_id")
    return list(
        hubs_with_schedule().filter(
            Q(status__in=[Hub.Status.APPROVED, Hub.Status.SUSPENDED]) | Q(pk__in=filed)
        )
    )


def _overview_context(year: int) -> dict:
    approved = list(hubs_with_schedule().filter(status=Hub.Status.APPROVED))
    by_area = Counter((h.service.location.area_id, h.hub_type) for h in approved)
    areas = []
    for area in Area.objects.all():
        general, collaborative = (
            by_area[(area.pk, Hub.Type.GENERAL)],
            by_area[(area.pk, Hub.Type.COLLABORATIVE)],
        )
        areas.append(
            {
                "area": area,
                "general": general,
                "collaborative": collaborative,
                "total": general + collaborative,
            }
        )
    widest = max([a["total"] for a in areas] + [1])
    for row in areas:
        row["general_pct"] = round(100 * row["general"] / widest)
        row["collaborative_pct"] = round(100 * row["collaborative"] / widest)
    bands = Counter((h.hub_type, h.open_days_band) for h in approved)
    band_rows = [
        {"type": label, "band": band_label, "count": bands[(t, band)]}
        for t, label in Hub.Type.choices
        for band, band_label in rules.band_choices(t)
    ]
    addon_rows = [
        {"label": rules.ADDON_LABELS[name], "count": sum(getattr(h, name) for h in approved)}
        for name in rules.ADDON_TYPES
    ]
    per_hub, per_type = annual_totals(year, hubs_of_year(year))
    located = [
        h
        for h in approved
        if h.service.location.latitude is not None and h.service.location.longitude is not None
    ]
    markers = [
        {
            "name": h.name,
            "type": str(h.get_hub_type_display()),
            "lat": float(h.service.location.latitude),
            "lng": float(h.service.location.longitude),
            "url": reverse("hubs:detail", args=[h.pk]),
        }
        for h in located
    ]
    return {
        "year": year,
        "areas": areas,
        "band_rows": band_rows,
        "addon_rows": addon_rows,
        "missing": overdue_reports(until=previous_month(timezone.localdate())),
        "per_hub": per_hub,
        "per_type": [(Hub.Type(t).label, totals) for t, totals in per_type.items()],
        "markers": markers,
        "unplaced": [h for h in approved if h not in located],
        "approved_count": len(approved),
    }


@city_staff_required
def overview(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    context = _overview_context(_year_param(request))
    context["tile_url"] = settings.MAP_TILE_URL
    return render(request, "hubs/city_overview.html", context)


@city_staff_required
def annual_csv(request: HttpRequest) -> HttpResponse:
    """年度の実績 CSV (UTF-8 with BOM so spreadsheet software reads the Japanese)."""
    year = _year_param(request)
    per_hub, per_type = annual_totals(year, hubs_of_year(year))
    response = csv_attachment(filename=f"hubs-fy{year}.csv")
    writer = CsvWriter(response)
    writer.writerow(
        [
            _("拠点名"),
            _("類型"),
            _("状態"),
            _("地区"),
            _("実施主体"),
            _("運営主体"),
            _("運営主体の種別"),
            _("実施場所の種類"),
            _("週の開設日数"),
            _("開設日数の区分"),
            _("1日の最短開設時間（分）"),
            *[rules.ADDON_LABELS[name] for name in rules.ADDON_TYPES],
            _("報告のあった月数"),
            _("講習等のなかった月数"),
            *[MonthlyReport.label(name) for name in MonthlyReport.count_fields()],
            _("延べ利用者数"),
        ]
    )
    for item in per_hub:
        hub = item.hub
        shortest = hub.shortest_open_day_hours
        writer.writerow(
            [
                hub.name,
                hub.get_hub_type_display(),
                hub.get_status_display(),
                hub.service.location.area.name,
                hub.implementing_body,
                hub.operator.name,
                hub.operator.get_kind_display(),
                hub.get_place_kind_display(),
                hub.open_days_per_week,
                hub.get_open_days_band_display(),
                int(shortest.total_seconds() // 60) if shortest else "",
                *[1 if getattr(hub, name) else 0 for name in rules.ADDON_TYPES],
                item.months,
                item.no_course_months,
                *[item.totals[name] for name in MonthlyReport.count_fields()],
                item.users,
            ]
        )
    for type_value, totals in per_type.items():
        blank = [""] * (10 + len(rules.ADDON_TYPES))
        writer.writerow(
            [
                _("合計（%(type)s）") % {"type": Hub.Type(type_value).label},
                *blank,
                totals.months,
                totals.no_course_months,
                *[totals.totals.get(name, 0) for name in MonthlyReport.count_fields()],
                totals.users,
            ]
        )
    return response
