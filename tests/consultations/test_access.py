"""Who reaches what: the whole role × action matrix, on every view and object.

A specialist reaches only their own site's cases (another site's case is 404); hub staff and parents
see nothing (403); city staff see statistics and the audit log, never case contents.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from portal.models import AuditEntry
from tests.consultations.factories import FollowUpFactory, ReferralFactory

# (url name, method, POST data) for views on one case or an object of it.
CASE_ACTIONS = [
    ("case_detail", "get", None),
    ("case_edit", "get", None),
    ("contact_add", "get", None),
    ("referral_add", "get", None),
    ("case_close", "post", {"reason": "resolved"}),
    ("follow_up_add", "post", {"due_on": f"{dt.date.today() + dt.timedelta(days=7)}", "description": "確認"}),
    ("referral_outcome", "post", {"outcome": "used"}),
    ("follow_up_done", "post", {}),
]
# Pages of the specialist's own site (no object id).
SITE_ACTIONS = ["case_list", "contact_log", "duplicates", "service_options"]
# Aggregates and the audit log.
CITY_ACTIONS = ["report", "report_csv", "audit_log"]


def _url(name: str, case) -> str:
    if name == "referral_outcome":
        return reverse("consultations:referral_outcome", args=[ReferralFactory(case=case).pk])
    if name == "follow_up_done":
        return reverse(
            "consultations:follow_up_done", args=[FollowUpFactory(case=case, assignee=case.created_by).pk]
        )
    return reverse(f"consultations:{name}", args=[case.pk])


def _request(client, method: str, url: str, data):
    return client.post(url, data) if method == "post" else client.get(url)


@pytest.mark.parametrize("name,method,data", CASE_ACTIONS)
@pytest.mark.parametrize(
    "persona,expected",
    [("anonymous", 302), ("parent", 403), ("hub_staff", 403), ("city_staff", 403), ("other_specialist", 404)],
)
def test_only_the_sites_own_specialist_reaches_a_case(
    client, request, case, persona, expected, name, method, data
):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    entries = AuditEntry.objects.about(case)
    before = entries.exclude(action=AuditEntry.Action.REFUSED).count()
    response = _request(client, method, _url(name, case), data)
    assert response.status_code == expected
    if persona == "anonymous":
        assert reverse("account_login") in response.url
    assert entries.exclude(action=AuditEntry.Action.REFUSED).count() == before, (
        "a refused request must not touch the case"
    )
    # Another site's specialist asked for the case, referral or follow-up: the refusal is on record.
    refused = list(
        AuditEntry.objects.filter(action=AuditEntry.Action.REFUSED).values_list("by__email", flat=True)
    )
    assert refused == ([request.getfixturevalue(persona).email] if persona == "other_specialist" else [])


@pytest.mark.parametrize("name,method,data", CASE_ACTIONS)
def test_own_specialist_reaches_every_case_action_and_it_is_audited(
    client, case, specialist, name, method, data
):
    client.force_login(specialist)
    before = AuditEntry.objects.about(case).filter(by=specialist).count()
    response = _request(client, method, _url(name, case), data)
    assert response.status_code == (200 if method == "get" else 302)
    assert AuditEntry.objects.about(case).filter(by=specialist).count() == before + 1


@pytest.mark.parametrize("name", SITE_ACTIONS)
@pytest.mark.parametrize(
    "persona,expected",
    [
        ("anonymous", 302),
        ("parent", 403),
        ("hub_staff", 403),
        ("city_staff", 403),
        ("specialist", 200),
        ("other_specialist", 200),
    ],
)
def test_site_pages_are_for_specialists_only(client, request, site, other_site, persona, expected, name):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(f"consultations:{name}")).status_code == expected


@pytest.mark.parametrize("name", CITY_ACTIONS)
@pytest.mark.parametrize(
    "persona,expected_report,expected_audit",
    [
        ("anonymous", 302, 302),
        ("parent", 403, 403),
        ("hub_staff", 403, 403),
        ("specialist", 200, 403),
        ("city_staff", 200, 200),
    ],
)
def test_statistics_for_specialists_and_city_staff_audit_log_for_city_staff(
    client, request, site, persona, expected_report, expected_audit, name
):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    expected = expected_audit if name == "audit_log" else expected_report
    assert client.get(reverse(f"consultations:{name}")).status_code == expected


def test_cooperation_log_is_for_sites_that_do_regional_cooperation(client, specialist, other_specialist):
    client.force_login(specialist)  # 基本型
    assert client.get(reverse("consultations:cooperation")).status_code == 200
    client.force_login(other_specialist)  # 特定型: the city does 地域連携
    assert client.get(reverse("consultations:cooperation")).status_code == 403


@pytest.mark.django_db
def test_a_specialist_account_without_a_site_sees_nothing(client):
    from portal.models import Role
    from tests.conftest import make_user

    client.force_login(make_user("unassigned@example.test", Role.SPECIALIST))
    assert client.get(reverse("consultations:case_list")).status_code == 403


def test_search_never_finds_another_sites_household(client, specialist, case, other_case):
    client.force_login(specialist)
    other_link = reverse("consultations:case_detail", args=[other_case.pk])
    for query in (other_case.guardians.get().name, other_case.guardians.get().phone, ""):
        assert other_link not in client.get(reverse("consultations:case_list"), {"q": query}).content.decode()
    own_link = reverse("consultations:case_detail", args=[case.pk])
    for query in (case.guardians.get().name_kana, case.guardians.get().phone.replace("-", "")):
        assert own_link in client.get(reverse("consultations:case_list"), {"q": query}).content.decode()


def test_city_staff_statistics_show_no_names(client, city_staff, case):
    client.force_login(city_staff)
    body = client.get(reverse("consultations:report"), {"month": f"{case.created_at:%Y-%m}"}).content.decode()
    assert case.guardians.get().name not in body


def test_staff_without_mfa_are_sent_to_mfa_setup(client, db):
    from portal.models import Role
    from tests.conftest import make_user

    client.force_login(make_user("nomfa@example.test", Role.SPECIALIST, mfa=False))
    response = client.get(reverse("consultations:case_list"))
    assert response.status_code == 302 and reverse("mfa_activate_totp") in response.url


def test_case_records_are_not_in_the_admin(client, city_staff):
    from django.contrib import admin

    from consultations.models import Case

    assert not admin.site.is_registered(Case)
    assert not admin.site.is_registered(AuditEntry)
