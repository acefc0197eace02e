"""#11.17 (consultations): follow-ups have an assignee, an upcoming list and an undo; a supervisor view
per site for its lead specialist (主任) and city staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import FollowUp, Referral, Specialist
from portal.models import AuditEntry, Role
from tests.conftest import make_user
from tests.consultations.factories import CaseFactory, FollowUpFactory, ReferralFactory

TODAY = timezone.localdate()


@pytest.fixture
def colleague(site):
    user = make_user("colleague@example.test", Role.SPECIALIST)
    Specialist.objects.create(user=user, site=site)
    return user


def test_a_follow_up_can_be_assigned_to_a_colleague_of_the_site(client, specialist, colleague, case):
    client.force_login(specialist)
    url = reverse("consultations:follow_up_add", args=[case.pk])
    client.post(url, {"due_on": f"{TODAY}", "description": "電話", "assignee": colleague.pk})
    assert case.follow_ups.get().assignee == colleague


def test_a_follow_up_cannot_be_assigned_outside_the_site(client, specialist, other_specialist, case):
    client.force_login(specialist)
    url = reverse("consultations:follow_up_add", args=[case.pk])
    client.post(url, {"due_on": f"{TODAY}", "description": "電話", "assignee": other_specialist.pk})
    assert not case.follow_ups.exists()


def test_the_upcoming_list_shows_my_open_follow_ups_overdue_first(client, specialist, colleague, case):
    overdue = FollowUpFactory(
        case=case, assignee=specialist, due_on=TODAY - dt.timedelta(days=3), description="遅れ"
    )
    later = FollowUpFactory(
        case=case, assignee=specialist, due_on=TODAY + dt.timedelta(days=20), description="先"
    )
    FollowUpFactory(case=case, assignee=colleague, description="同僚の")
    FollowUpFactory(
        case=case, assignee=specialist, done_at=timezone.now() - dt.timedelta(days=30), description="昔"
    )
    client.force_login(specialist)
    response = client.get(reverse("consultations:follow_ups"))
    body = response.content.decode()
    assert body.index(overdue.description) < body.index(later.description)
    assert "同僚の" not in body and "昔" not in body
    assert AuditEntry.objects.filter(by=specialist, detail="フォローアップの予定").exists()


def test_done_can_be_undone_from_the_upcoming_list(client, specialist, case):
    follow_up = FollowUpFactory(case=case, assignee=specialist)
    client.force_login(specialist)
    response = client.post(
        reverse("consultations:follow_up_done", args=[follow_up.pk]), {"next": "follow_ups"}
    )
    assert response.url == reverse("consultations:follow_ups")
    follow_up.refresh_from_db()
    assert follow_up.is_done
    body = client.get(reverse("consultations:follow_ups")).content.decode()
    assert reverse("consultations:follow_up_undo", args=[follow_up.pk]) in body
    client.post(reverse("consultations:follow_up_undo", args=[follow_up.pk]), {"next": "follow_ups"})
    follow_up.refresh_from_db()
    assert not follow_up.is_done
    assert (
        AuditEntry.objects.about(case).filter(by=specialist, detail="フォローアップの完了を取り消し").exists()
    )


def test_another_sites_specialist_cannot_undo(client, other_specialist, specialist, case):
    follow_up = FollowUpFactory(case=case, assignee=specialist, done_at=timezone.now())
    client.force_login(other_specialist)
    assert client.post(reverse("consultations:follow_up_undo", args=[follow_up.pk])).status_code == 404
    assert FollowUp.objects.get(pk=follow_up.pk).is_done


@pytest.fixture
def busy_site(site, specialist, colleague, case):
    FollowUpFactory(case=case, assignee=colleague, due_on=TODAY - dt.timedelta(days=2))
    FollowUpFactory(case=case, assignee=colleague, due_on=TODAY)  # due, not overdue
    ReferralFactory(case=case, referred_on=TODAY - dt.timedelta(days=20))
    ReferralFactory(case=case, outcome=Referral.Outcome.USED, outcome_on=TODAY)
    CaseFactory(site=site, created_by=specialist)
    return site


def test_the_lead_sees_open_cases_overdue_follow_ups_per_specialist_and_waiting_referrals(
    client, specialist, colleague, busy_site, case
):
    client.force_login(specialist)
    response = client.get(reverse("consultations:supervisor"))
    overview = response.context["overview"]
    assert overview.open_total == 2
    assert [(assignee, len(items)) for assignee, items in overview.overdue_by_assignee] == [(colleague, 1)]
    assert [r.case for r in overview.waiting_referrals] == [case]
    assert reverse("consultations:case_detail", args=[case.pk]) in response.content.decode()
    assert case.guardians.get().name not in response.content.decode()
    assert AuditEntry.objects.about(busy_site).filter(by=specialist, detail="監督ビュー").exists()


def test_a_specialist_who_is_not_the_lead_is_refused(client, colleague, busy_site):
    client.force_login(colleague)
    assert client.get(reverse("consultations:supervisor")).status_code == 403


def test_city_staff_choose_a_site_and_see_no_case_links(client, city_staff, busy_site, other_site, case):
    client.force_login(city_staff)
    response = client.get(reverse("consultations:supervisor"), {"site": busy_site.pk})
    assert response.context["overview"].site == busy_site
    assert reverse("consultations:case_detail", args=[case.pk]) not in response.content.decode()
    response = client.get(reverse("consultations:supervisor"), {"site": other_site.pk})
    assert response.context["overview"].open_total == 0
    assert client.get(reverse("consultations:supervisor"), {"site": "x" * 10_000}).status_code == 200


@pytest.mark.parametrize("persona", ["parent", "hub_staff"])
def test_others_are_refused_the_supervisor_view(db, client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("consultations:supervisor")).status_code == 403


def test_an_open_follow_up_is_handed_to_a_colleague_and_it_is_audited(client, specialist, colleague, case):
    follow_up = FollowUpFactory(case=case, assignee=specialist)
    client.force_login(specialist)
    body = client.get(reverse("consultations:case_detail", args=[case.pk])).content.decode()
    assert reverse("consultations:follow_up_assign", args=[follow_up.pk]) in body
    client.post(reverse("consultations:follow_up_assign", args=[follow_up.pk]), {"assignee": colleague.pk})
    follow_up.refresh_from_db()
    assert follow_up.assignee == colleague
    assert AuditEntry.objects.filter(
        target_id=case.pk, by=specialist, detail__startswith="フォローアップの担当を変更"
    ).exists()


def test_a_follow_up_is_not_handed_outside_the_site_nor_once_done(client, specialist, other_specialist, case):
    open_one = FollowUpFactory(case=case, assignee=specialist)
    done = FollowUpFactory(case=case, assignee=specialist, done_at=timezone.now())
    client.force_login(specialist)
    client.post(
        reverse("consultations:follow_up_assign", args=[open_one.pk]), {"assignee": other_specialist.pk}
    )
    client.post(reverse("consultations:follow_up_assign", args=[done.pk]), {"assignee": "x" * 1000})
    response = client.post(
        reverse("consultations:follow_up_assign", args=[done.pk]), {"assignee": specialist.pk}, follow=True
    )
    assert "完了したフォローアップの担当は変えられません" in response.content.decode()
    assert FollowUp.objects.filter(assignee=specialist).count() == 2
