"""Case pages: editing the household, follow-ups, closing, the 地域連携 log; bad input gives messages."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from consultations.models import CooperationActivity, FollowUp
from portal.models import AuditEntry


def _edit_data(case, **overrides) -> dict:
    guardian = case.guardians.get()
    data = {
        "guardians-TOTAL_FORMS": "2",
        "guardians-INITIAL_FORMS": "1",
        "guardians-MIN_NUM_FORMS": "1",
        "guardians-MAX_NUM_FORMS": "1000",
        "guardians-0-id": guardian.pk,
        "guardians-0-case": case.pk,
        "guardians-0-name": guardian.name,
        "guardians-0-name_kana": "カタカナ ヨミ",
        "guardians-0-phone": "080-9999-0000",
        "guardians-0-email": "",
        "children-TOTAL_FORMS": "1",
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "0",
        "children-MAX_NUM_FORMS": "1000",
        "children-0-name": "",
        "children-0-birth_date": "",
        "area": "",
        "due_date": "",
        "booking_consent_on": "",
        "parent_email": "",
    }
    data.update(overrides)
    return data


def test_editing_links_the_parent_account_and_consent(client, specialist, case, parent):
    client.force_login(specialist)
    today = f"{timezone.localdate():%Y-%m-%d}"
    response = client.post(
        reverse("consultations:case_edit", args=[case.pk]),
        _edit_data(case, parent_email=parent.email, booking_consent_on=today),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.parent_account == parent and case.can_book_for_parent
    guardian = case.guardians.get()
    assert guardian.phone_digits == "08099990000" and guardian.kana_key == "かたかなよみ"
    assert AuditEntry.objects.about(case).filter(action="update", by=specialist).exists()


def test_consent_without_account_or_unknown_email_is_refused(client, specialist, case):
    client.force_login(specialist)
    today = f"{timezone.localdate():%Y-%m-%d}"
    url = reverse("consultations:case_edit", args=[case.pk])
    response = client.post(url, _edit_data(case, booking_consent_on=today))
    assert response.status_code == 200 and "アカウントと一緒に" in response.content.decode()
    response = client.post(url, _edit_data(case, parent_email="nobody@example.test"))
    assert response.status_code == 200 and "見つかりません" in response.content.decode()
    case.refresh_from_db()
    assert case.parent_account is None and case.guardians.get().phone != "080-9999-0000"


def test_follow_up_in_the_past_is_refused_with_a_message(client, specialist, case):
    client.force_login(specialist)
    response = client.post(
        reverse("consultations:follow_up_add", args=[case.pk]),
        {"due_on": f"{timezone.localdate() - dt.timedelta(days=1):%Y-%m-%d}", "description": "電話"},
        follow=True,
    )
    assert "過去の日付" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_closing_then_done_follow_up(client, specialist, case):
    client.force_login(specialist)
    follow_up = FollowUp.objects.create(
        case=case, due_on=timezone.localdate(), assignee=specialist, description="確認"
    )
    client.post(reverse("consultations:follow_up_done", args=[follow_up.pk]))
    client.post(reverse("consultations:follow_up_done", args=[follow_up.pk]))
    follow_up.refresh_from_db()
    assert follow_up.done_at is not None
    assert AuditEntry.objects.about(case).filter(detail="フォローアップ完了").count() == 1
    response = client.post(
        reverse("consultations:case_close", args=[case.pk]), {"reason": "resolved"}, follow=True
    )
    assert "ケースを終結しました" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "closed" and case.closing_reason == "resolved"


def test_cooperation_log_records_a_meeting_and_refuses_a_future_date(client, specialist):
    client.force_login(specialist)
    url = reverse("consultations:cooperation")
    future = f"{timezone.localdate() + dt.timedelta(days=2):%Y-%m-%d}"
    response = client.post(
        url, {"held_on": future, "partners": "保健センター", "topic": "連絡会", "outcome": ""}
    )
    assert response.status_code == 200 and "未来の日付" in response.content.decode()
    today = f"{timezone.localdate():%Y-%m-%d}"
    client.post(
        url, {"held_on": today, "partners": "保健センター", "topic": "連絡会", "outcome": "次回も開催"}
    )
    assert CooperationActivity.objects.get().topic == "連絡会"
