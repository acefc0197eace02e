"""Monthly statistics: counts by channel, need, action, referral outcome; CSV; retention keeps them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import selectors, services
from consultations.models import Case, ContactAction, Need, Referral
from tests.consultations.factories import CaseFactory, ChildFactory, ContactFactory, ReferralFactory

MONTH = dt.date(2026, 10, 1)


def _at(day: int, month: dt.date = MONTH) -> dt.datetime:
    return dt.datetime(month.year, month.month, day, 10, 0, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def october(site, other_site, specialist, other_specialist):
    """Site A: a new household (2 contacts) and a continuing one; site B: one pregnant household."""
    need = {n.code: n for n in Need.objects.all()}
    new = CaseFactory(site=site, created_by=specialist)
    ChildFactory(case=new)
    c1 = ContactFactory(
        case=new,
        specialist=specialist,
        contacted_at=_at(3),
        channel="walk_in",
        needs=[need["emergency-care"], need["parenting-stress"]],
    )
    ContactAction.objects.create(contact=c1, action="information")
    ContactAction.objects.create(contact=c1, action="usage_support")
    ContactFactory(
        case=new,
        specialist=specialist,
        contacted_at=_at(20),
        channel="phone",
        needs=[need["parenting-stress"]],
    )
    ReferralFactory(
        case=new, referred_on=MONTH.replace(day=3), outcome="used", outcome_on=MONTH.replace(day=10)
    )
    ReferralFactory(
        case=new, referred_on=MONTH.replace(day=3), service=None, outcome="no_service", need=need["economic"]
    )

    continuing = CaseFactory(
        site=site,
        created_by=specialist,
        status=Case.Status.CLOSED,
        closing_reason="resolved",
        closed_on=MONTH.replace(day=25),
        closed_recorded_at=_at(17, MONTH.replace(day=25)),
    )
    ChildFactory(case=continuing)
    ContactFactory(
        case=continuing,
        specialist=specialist,
        contacted_at=_at(15, dt.date(2026, 9, 1)),
        needs=[need["development"]],
    )
    ContactFactory(
        case=continuing,
        specialist=specialist,
        contacted_at=_at(5),
        channel="home_visit",
        needs=[need["development"]],
    )

    pregnant = CaseFactory(site=other_site, created_by=other_specialist, due_date=dt.date(2027, 2, 14))
    ContactFactory(
        case=pregnant,
        specialist=other_specialist,
        contacted_at=_at(8),
        channel="phone",
        needs=[need["pregnancy"]],
    )
    return new, continuing, pregnant


def _counts(report) -> dict:
    return {section.key: dict(section.rows) for section in report.sections}


def test_site_report_counts_the_month(october):
    site = october[0].site
    counts = _counts(selectors.monthly_report(month=MONTH, site=site))
    assert counts["contacts"]["相談対応（延べ）"] == 3
    assert (
        counts["channel"]["来所"] == 1 and counts["channel"]["電話"] == 1 and counts["channel"]["訪問"] == 1
    )
    assert counts["need"]["育児不安・負担"] == 2 and counts["need"]["発達（落ち着きがない・ことば等）"] == 1
    assert counts["action"]["情報提供"] == 1 and counts["action"]["利用支援"] == 1
    assert counts["households"] == {"新規ケース": 1, "継続ケース": 1, "妊娠中の方": 0, "子どものいる世帯": 2}
    assert counts["referral"]["利用につながった"] == 1 and counts["referral"]["適切なサービスがない"] == 1
    assert counts["unmet"] == {"経済的な困りごと": 1}


def test_city_wide_report_adds_up_the_sites(october):
    counts = _counts(selectors.monthly_report(month=MONTH))
    assert counts["contacts"]["相談対応（延べ）"] == 4
    assert counts["households"]["妊娠中の方"] == 1 and counts["households"]["新規ケース"] == 2


def test_report_query_count_does_not_grow_with_cases(october, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        selectors.monthly_report(month=MONTH)


def test_csv_is_utf8_with_bom_for_excel(client, city_staff, october):
    client.force_login(city_staff)
    response = client.get(reverse("consultations:report_csv"), {"month": "2026-10"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert "市全体,2026-10,相談件数,相談対応（延べ）,4" in text


def test_specialist_sees_own_site_even_when_asking_for_another(client, specialist, october):
    client.force_login(specialist)
    other_site = october[2].site
    response = client.get(reverse("consultations:report"), {"month": "2026-10", "site": other_site.pk})
    assert response.context["report"].site == october[0].site


def test_city_staff_pick_a_site_or_the_whole_city(client, city_staff, october):
    client.force_login(city_staff)
    other_site = october[2].site
    response = client.get(reverse("consultations:report"), {"month": "2026-10", "site": other_site.pk})
    assert response.context["report"].site == other_site
    body = response.content.decode()
    assert "妊娠中の方" in body and 'class="bar' in body


def test_bad_month_falls_back_to_last_month_with_a_message(client, city_staff, site):
    client.force_login(city_staff)
    response = client.get(reverse("consultations:report"), {"month": "2026-13"})
    assert response.status_code == 200
    assert response.context["form"].errors["month"]


def test_anonymization_erases_people_and_keeps_every_count(october, settings):
    settings.CONSULTATION_RETENTION_YEARS = 5
    before = [
        _counts(selectors.monthly_report(month=MONTH, site=s))
        for s in (october[0].site, october[2].site, None)
    ]
    continuing = october[1]
    later = continuing.closed_on.replace(year=continuing.closed_on.year + 5) + dt.timedelta(days=1)
    assert services.cases_anonymize_expired(today=later) == 1
    continuing.refresh_from_db()
    assert continuing.anonymized_at is not None
    guardian = continuing.guardians.get()
    assert (guardian.name, guardian.name_kana, guardian.phone, guardian.email) == ("", "", "", "")
    assert all(c.notes == "" for c in continuing.contacts.all())
    assert all(c.name == "" for c in continuing.children.all())
    after = [
        _counts(selectors.monthly_report(month=MONTH, site=s))
        for s in (october[0].site, october[2].site, None)
    ]
    assert after == before
    assert services.cases_anonymize_expired(today=later) == 0  # idempotent


def test_open_and_recently_closed_cases_are_kept(october):
    new, continuing, _ = october
    assert (
        services.cases_anonymize_expired(
            today=continuing.closed_on.replace(year=continuing.closed_on.year + 5)
        )
        == 0
    )
    assert not Case.objects.filter(anonymized_at__isnull=False).exists()
    assert new.guardians.get().name


def test_referral_outcome_cannot_predate_the_referral(client, specialist, case):
    referral = ReferralFactory(case=case, referred_on=timezone.localdate())
    client.force_login(specialist)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    client.post(
        reverse("consultations:referral_outcome", args=[referral.pk]),
        {"outcome": "used", "outcome_on": f"{yesterday:%Y-%m-%d}"},
    )
    referral.refresh_from_db()
    assert referral.outcome == Referral.Outcome.REFERRED
