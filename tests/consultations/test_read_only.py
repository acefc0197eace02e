"""#11.14: closed and anonymized cases are read-only. No action buttons; the server refuses every
change with a clear message and changes nothing. A closed case can be reopened; an anonymized one not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Case
from consultations.services import Origin
from portal.models import AuditEntry
from tests.consultations.factories import CaseFactory, FollowUpFactory, ReferralFactory

TODAY = timezone.localdate()


@pytest.fixture(params=["closed", "anonymized"])
def frozen(request, case, specialist):
    services.case_close(case=case, by=specialist, origin=Origin(), reason="resolved")
    if request.param == "anonymized":
        services.case_anonymize(case=case)
    case.refresh_from_db()
    return case


def _posts(case, specialist):
    referral = ReferralFactory(case=case)
    open_follow_up = FollowUpFactory(case=case, assignee=specialist)
    done_follow_up = FollowUpFactory(case=case, assignee=specialist, done_at=timezone.now())
    need = case.contacts.get().needs.get().pk
    other = CaseFactory(site=case.site, created_by=specialist)
    return [
        (
            reverse("consultations:contact_add", args=[case.pk]),
            {"contacted_at": f"{timezone.localtime():%Y-%m-%dT%H:%M}", "channel": "phone", "needs": [need]},
        ),
        (reverse("consultations:case_edit", args=[case.pk]), {"area": ""}),
        (reverse("consultations:case_close", args=[case.pk]), {"reason": "other"}),
        (
            reverse("consultations:referral_add", args=[case.pk]),
            {"need": need, "no_suitable_service": "on", "referred_on": f"{TODAY}"},
        ),
        (
            reverse("consultations:follow_up_add", args=[case.pk]),
            {"due_on": f"{TODAY}", "description": "電話"},
        ),
        (reverse("consultations:referral_outcome", args=[referral.pk]), {"outcome": "used"}),
        (reverse("consultations:referral_book", args=[referral.pk]), {}),
        (reverse("consultations:follow_up_done", args=[open_follow_up.pk]), {}),
        (reverse("consultations:follow_up_assign", args=[open_follow_up.pk]), {"assignee": specialist.pk}),
        (reverse("consultations:follow_up_undo", args=[done_follow_up.pk]), {}),
        (reverse("consultations:case_merge", args=[case.pk]), {"source": other.pk, "confirm": "on"}),
    ]


def _snapshot(case: Case) -> tuple:
    """What any of the refused changes would alter."""
    return (
        case.contacts.count(),
        case.referrals.count(),
        case.follow_ups.count(),
        list(case.follow_ups.values_list("done_at", flat=True)),
        list(case.referrals.values_list("outcome", flat=True)),
        AuditEntry.objects.about(case).filter(action=AuditEntry.Action.UPDATE).count(),
    )


def test_every_change_to_a_read_only_case_is_refused_with_a_message(client, specialist, frozen):
    posts = _posts(frozen, specialist)
    before = _snapshot(frozen)
    client.force_login(specialist)
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
        assert "変更できません" in response.content.decode(), url
    frozen.refresh_from_db()
    assert _snapshot(frozen) == before
    assert frozen.is_read_only and frozen.closing_reason == "resolved"


def test_a_read_only_case_shows_no_action_buttons(client, specialist, frozen):
    follow_up = FollowUpFactory(case=frozen, assignee=specialist)
    referral = ReferralFactory(case=frozen)
    client.force_login(specialist)
    body = client.get(reverse("consultations:case_detail", args=[frozen.pk])).content.decode()
    for name in ("contact_add", "referral_add", "case_edit", "case_close", "follow_up_add", "case_merge"):
        assert reverse(f"consultations:{name}", args=[frozen.pk]) not in body, name
    assert reverse("consultations:follow_up_done", args=[follow_up.pk]) not in body
    assert reverse("consultations:referral_outcome", args=[referral.pk]) not in body
    assert reverse("consultations:referral_book", args=[referral.pk]) not in body
    assert "変更できません" in body


def test_a_closed_case_can_be_reopened_and_then_written_to(client, specialist, case):
    services.case_close(case=case, by=specialist, origin=Origin(), reason="resolved")
    client.force_login(specialist)
    body = client.get(reverse("consultations:case_detail", args=[case.pk])).content.decode()
    assert reverse("consultations:case_reopen", args=[case.pk]) in body
    client.post(reverse("consultations:case_reopen", args=[case.pk]))
    case.refresh_from_db()
    assert (
        case.status == Case.Status.IN_PROGRESS and case.closed_on is None and case.closed_recorded_at is None
    )
    assert AuditEntry.objects.about(case).filter(by=specialist, detail="再開").exists()
    response = client.post(
        reverse("consultations:follow_up_add", args=[case.pk]), {"due_on": f"{TODAY}", "description": "電話"}
    )
    assert response.status_code == 302 and case.follow_ups.count() == 1


def test_an_anonymized_case_cannot_be_reopened(client, specialist, case):
    services.case_close(case=case, by=specialist, origin=Origin(), reason="resolved")
    services.case_anonymize(case=case)
    client.force_login(specialist)
    body = client.get(reverse("consultations:case_detail", args=[case.pk])).content.decode()
    assert reverse("consultations:case_reopen", args=[case.pk]) not in body
    response = client.post(reverse("consultations:case_reopen", args=[case.pk]), follow=True)
    assert "匿名化していない終結したケースだけ" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def test_the_edit_pages_of_a_closed_case_send_back_to_the_case(client, specialist, case):
    services.case_close(
        case=case,
        by=specialist,
        origin=Origin(),
        reason="resolved",
        closed_on=TODAY - dt.timedelta(days=0),
    )
    client.force_login(specialist)
    for name in ("contact_add", "case_edit", "referral_add", "case_merge"):
        response = client.get(reverse(f"consultations:{name}", args=[case.pk]))
        assert response.status_code == 302 and response.url == reverse(
            "consultations:case_detail", args=[case.pk]
        )
