"""The city's view: by area and type, bands, add-ons, missing reports, annual totals and the CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from facilities.models import Location
from hubs import rules, services
from hubs.city import fiscal_year_of
from hubs.models import Hub, HubTransition, MonthlyReport
from hubs.rules import COLLABORATIVE, GENERAL
from hubs.selectors import overdue_reports
from portal.dates import add_months
from tests.hubs.factories import HubFactory

pytestmark = pytest.mark.django_db


def approved(city_staff, **kwargs) -> Hub:
    hub = HubFactory(status=Hub.Status.APPROVED, **kwargs)
    HubTransition.objects.create(
        hub=hub, to_status=Hub.Status.APPROVED, by=city_staff, at=timezone.now() - dt.timedelta(days=400)
    )
    return hub


def test_overview_counts_types_bands_and_addons(city_client, city_staff, django_assert_max_num_queries):
    approved(city_staff, addon_popup=True)
    approved(city_staff, hours=range(6))
    approved(
        city_staff,
        hub_type=Hub.Type.COLLABORATIVE,
        place_kind=Hub.PlaceKind.CHILD_WELFARE,
        hours=range(3),
        staff=[("A", "qualified"), ("B", "facility")],
    )
    HubFactory()  # 申請中: not counted
    with django_assert_max_num_queries(15):
        response = city_client.get(reverse("hubs:city_overview"))
    ctx = response.context
    assert ctx["approved_count"] == 3
    assert sum(row["general"] for row in ctx["areas"]) == 2
    bands = {(r["type"], r["band"]): r["count"] for r in ctx["band_rows"]}

    def band(hub_type: str, days: int) -> tuple[str, str]:
        key = rules.open_days_band(hub_type, days)
        return str(Hub.Type(hub_type).label), dict(rules.band_choices(hub_type))[key]

    assert (
        bands[band(GENERAL, 5)] == 1 and bands[band(GENERAL, 6)] == 1 and bands[band(COLLABORATIVE, 3)] == 1
    )
    assert {str(r["label"]): r["count"] for r in ctx["addon_rows"]}["出張ひろば"] == 1
    assert len(ctx["markers"]) == 3
    assert "<svg" in response.content.decode() and "leaflet.js" in response.content.decode()


def test_missing_reports_are_listed_and_filed_ones_are_not(city_staff):
    hub = approved(city_staff)
    last = add_months(timezone.localdate().replace(day=1), -1)
    missing = {(o.hub, o.month) for o in overdue_reports(until=last)}
    assert (hub, last) in missing
    MonthlyReport.objects.create(hub=hub, month=last, status="submitted")
    MonthlyReport.objects.create(hub=hub, month=add_months(last, -1), status="draft")
    missing = {(o.hub, o.month) for o in overdue_reports(until=last)}
    assert (hub, last) not in missing and (hub, add_months(last, -1)) in missing


def test_annual_csv_has_a_bom_and_totals_per_hub_and_type(city_client, city_staff):
    hub = approved(city_staff)
    other = approved(city_staff)
    year = fiscal_year_of(add_months(timezone.localdate().replace(day=1), -1))
    for month, parents in (
        (dt.date(year, 4, 1), 10),
        (dt.date(year + 1, 3, 1), 5),
        (dt.date(year + 1, 4, 1), 99),
    ):
        MonthlyReport.objects.create(hub=hub, month=month, status="accepted", parents=parents, courses_held=1)
    MonthlyReport.objects.create(hub=other, month=dt.date(year, 5, 1), status="submitted", parents=7)
    response = city_client.get(reverse("hubs:annual_csv"), {"year": year})
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    header = rows[0]
    parents_col = header.index("利用者数（保護者・延べ）")
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name[hub.name][parents_col] == "15"  # April and March of the 年度, not the next April
    assert by_name[hub.name][header.index("講習等のなかった月数")] == "0"
    assert by_name[other.name][header.index("講習等のなかった月数")] == "1"
    assert by_name["合計（一般型）"][parents_col] == "22"
    assert response["Content-Disposition"].endswith(f'hubs-fy{year}.csv"')


def test_city_pages_are_for_city_staff_only(staff_client):
    assert staff_client.get(reverse("hubs:city_overview")).status_code == 403
    assert staff_client.get(reverse("hubs:annual_csv")).status_code == 403


def test_fiscal_year_starts_in_april():
    assert fiscal_year_of(dt.date(2026, 3, 31)) == 2025
    assert fiscal_year_of(dt.date(2026, 4, 1)) == 2026


def test_staff_menu_lists_hub_pages_by_role(client, hub_staff, city_staff):
    client.force_login(hub_staff)
    menu = client.get(reverse("portal:staff_dashboard")).content.decode()
    assert reverse("hubs:my_hub") in menu and reverse("hubs:city_overview") not in menu
    client.force_login(city_staff)
    menu = client.get(reverse("portal:staff_dashboard")).content.decode()
    assert reverse("hubs:registry") in menu and reverse("hubs:city_overview") in menu


def test_the_map_lists_the_hubs_it_cannot_place(city_client, city_staff):
    placed = approved(city_staff)
    unplaced = approved(city_staff)
    Location.objects.filter(pk=unplaced.service.location_id).update(latitude=None, longitude=None)
    response = city_client.get(reverse("hubs:city_overview"))
    assert [m["name"] for m in response.context["markers"]] == [placed.name]
    assert response.context["unplaced"] == [unplaced]
    assert "地図に置けない拠点" in response.content.decode()


def test_the_city_table_and_the_annual_csv_list_the_same_hubs(city_client, city_staff):
    running = approved(city_staff)
    HubFactory()  # 申請中: has not operated
    under_review = HubFactory()
    services.hub_transition(by=city_staff, hub=under_review, to_status=Hub.Status.UNDER_REVIEW)
    closed = approved(city_staff)
    year = fiscal_year_of(add_months(timezone.localdate().replace(day=1), -1))
    MonthlyReport.objects.create(hub=closed, month=dt.date(year, 4, 1), status="accepted", parents=3)
    services.hub_transition(by=city_staff, hub=closed, to_status=Hub.Status.ABOLISHED, reason="移転")
    table = {
        item.hub for item in city_client.get(reverse("hubs:city_overview"), {"year": year}).context["per_hub"]
    }
    body = city_client.get(reverse("hubs:annual_csv"), {"year": year}).content.decode("utf-8")
    csv_names = {row[0] for row in csv.reader(io.StringIO(body.lstrip("\ufeff")))}
    assert table == {running, closed}
    assert {hub.name for hub in table} == csv_names - {"拠点名", "合計（一般型）", "合計（連携型）"}
