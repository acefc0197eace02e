"""The demo: both sites get a month of consultations, and seeding twice changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo

import pytest
from django.utils import timezone

from consultations import demo, selectors
from consultations.models import Case, Contact, Referral, Specialist
from facilities import demo as facilities_demo
from portal import demo as portal_demo
from portal.dates import previous_month


@pytest.mark.django_db
def test_demo_is_a_month_for_both_sites_and_idempotent():
    out = io.StringIO()
    portal_demo.seed(out)
    facilities_demo.seed(out)
    demo.seed(out)
    counts = (Case.objects.count(), Contact.objects.count(), Referral.objects.count())
    demo.seed(out)
    assert (Case.objects.count(), Contact.objects.count(), Referral.objects.count()) == counts

    lead = Specialist.objects.get(user__email="specialist@example.jp")
    second = Specialist.objects.get(user__email="specialist2@example.jp")
    assert (
        lead.is_lead
        and lead.site.site_type.code == "basic"
        and lead.site.hub_service.name == "ひろば なかよし"
    )
    assert second.site.site_type.code == "specific"
    month = previous_month(timezone.localdate())
    for site in (lead.site, second.site):
        report = selectors.monthly_report(month=month, site=site)
        assert report.section("contacts").total >= 10
        assert report.section("referral").total >= 5
    assert selectors.monthly_report(month=month).section("unmet").total >= 1
    assert Case.objects.filter(
        parent_account__email="parent@example.jp", booking_consent_on__isnull=False
    ).exists()


@pytest.mark.django_db
def test_a_demo_seeded_just_after_midnight_has_nothing_in_the_future_and_its_cases_can_be_edited(
    monkeypatch,
):
    # 00:30 in Tokyo: "today at 10:00" has not happened yet.
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 1, 0, 30, tzinfo=tokyo))
    out = io.StringIO()
    portal_demo.seed(out)
    facilities_demo.seed(out)
    demo.seed(out)
    now = timezone.now()
    assert not Case.objects.filter(created_at__gt=now).exists()
    assert not Contact.objects.filter(contacted_at__gt=now).exists()
    # A case whose 受付日時 was stored ahead of the clock (an older seed, a clock fixed since) is still
    # editable: the form cannot show an error on a field it does not have.
    case = Case.objects.order_by("pk").first()
    Case.objects.filter(pk=case.pk).update(created_at=now + dt.timedelta(hours=9))
    case.refresh_from_db()
    case.full_clean()
