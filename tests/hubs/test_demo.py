from __future__ import annotations

import io

import pytest
from django.utils import timezone

from hubs.models import Hub, HubStaffAccount, MonthlyReport, PopupPlaza
from hubs.selectors import overdue_reports
from portal.dates import add_months

pytestmark = pytest.mark.django_db


def test_demo_hubs_of_both_types_valid_and_idempotent():
    from importlib import import_module

    for module in ("portal.demo", "facilities.demo", "hubs.demo", "hubs.demo"):
        import_module(module).seed(io.StringIO())
    hubs = Hub.objects.all()
    assert hubs.count() == 4
    assert {h.hub_type for h in hubs} == {Hub.Type.GENERAL, Hub.Type.COLLABORATIVE}
    for hub in hubs:
        hub.full_clean()
        assert hub.status == Hub.Status.APPROVED and hub.service.published
    assert PopupPlaza.objects.count() == 1
    PopupPlaza.objects.get().full_clean()
    assert MonthlyReport.objects.count() == 15
    assert HubStaffAccount.objects.get(user__email="hubstaff@example.jp").hub.name == "ひろば なかよし"
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    assert [(o.hub.name, o.month) for o in overdue_reports(until=last_month)] == [
        ("百舌鳥ひろば", last_month)
    ]
