"""Every CSV export goes through portal.spreadsheets: text someone saved never becomes a formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from hubs.models import Hub
from tests.consultations.factories import SiteFactory
from tests.hubs.factories import HubFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://evil.example/","開く")'


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    assert b"\r\n" in response.content
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_directory_export_neutralises_a_formula_in_a_name(client, city_staff):
    HubFactory(service__name=FORMULA, service__description="-1+1")
    client.force_login(city_staff)
    rows = _rows(client.get(reverse("facilities:export")))
    header, *data = rows
    row = next(r for r in data if r[header.index("名称")].endswith(FORMULA))
    assert row[header.index("名称")] == "'" + FORMULA
    assert row[header.index("拡張_説明")] == "'-1+1"


def test_annual_hub_csv_neutralises_a_formula_in_a_hub_name(client, city_staff):
    HubFactory(service__name=FORMULA, status=Hub.Status.APPROVED)
    client.force_login(city_staff)
    names = [row[0] for row in _rows(client.get(reverse("hubs:annual_csv")))]
    assert "'" + FORMULA in names
    assert FORMULA not in names


def test_consultation_report_csv_neutralises_a_formula_in_a_site_name(client, city_staff):
    site = SiteFactory(service__name="@SUM(1+1)")
    client.force_login(city_staff)
    rows = _rows(client.get(reverse("consultations:report_csv"), {"month": "2026-10", "site": site.pk}))
    assert {row[0] for row in rows[1:]} == {"'@SUM(1+1)"}
