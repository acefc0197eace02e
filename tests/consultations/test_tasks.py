"""Scheduled mail: the monthly report to site leads and the morning follow-up digest, once each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from consultations import services, tasks
from consultations.models import Case, Specialist
from portal.models import AuditEntry, OutgoingMail
from tests.consultations.factories import CaseFactory, ContactFactory, FollowUpFactory


def test_monthly_report_goes_to_each_site_lead_once_with_the_csv(specialist, other_specialist, case):
    Specialist.objects.filter(user=other_specialist).update(is_lead=False)
    assert tasks.send_monthly_reports.delay().get() == 1
    assert tasks.send_monthly_reports.delay().get() == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [specialist.email] and "月次報告" in message.subject
    name, content, mimetype = message.attachments[0]
    assert name.endswith(".csv") and mimetype == "text/csv" and content.startswith("\ufeff")
    assert (
        OutgoingMail.objects.filter(message="consultations/monthly_report", sent_at__isnull=False).count()
        == 1
    )


def test_monthly_report_is_in_the_leads_language(specialist, site):
    specialist.language = "en"
    specialist.save()
    tasks.send_monthly_reports.delay()
    assert "Monthly report" in mail.outbox[0].subject


def test_digest_lists_due_and_overdue_follow_ups_without_names_once(specialist, case):
    today = timezone.localdate()
    FollowUpFactory(
        case=case, assignee=specialist, due_on=today - dt.timedelta(days=2), description="電話する"
    )
    FollowUpFactory(case=case, assignee=specialist, due_on=today)
    FollowUpFactory(case=case, assignee=specialist, due_on=today + dt.timedelta(days=1))
    FollowUpFactory(case=case, assignee=specialist, due_on=today, done_at=timezone.now())
    assert tasks.send_follow_up_digests.delay().get() == 1
    assert tasks.send_follow_up_digests.delay().get() == 0
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "2件" in mail.outbox[0].subject
    assert case.number in body and "期限切れ" in body
    assert case.guardians.get().name not in body


def test_no_digest_without_due_follow_ups(specialist, case):
    FollowUpFactory(case=case, assignee=specialist, due_on=timezone.localdate() + dt.timedelta(days=3))
    assert tasks.send_follow_up_digests.delay().get() == 0
    assert mail.outbox == []


def test_a_failed_send_is_retried_next_run(specialist, case, monkeypatch):
    FollowUpFactory(case=case, assignee=specialist, due_on=timezone.localdate())

    def broken(*args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", broken)
    with pytest.raises(OSError):
        services.follow_up_digests_send(day=timezone.localdate())
    assert not OutgoingMail.objects.filter(sent_at__isnull=False).exists()
    monkeypatch.undo()
    assert tasks.send_follow_up_digests.delay().get() == 1


def test_beat_schedules_the_three_tasks():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "consultations.tasks.send_monthly_reports",
        "consultations.tasks.send_follow_up_digests",
        "consultations.tasks.anonymize_expired_cases",
    } <= scheduled


def test_retention_task_anonymizes_old_closed_cases(specialist, site, settings):
    settings.CONSULTATION_RETENTION_YEARS = 1
    old = CaseFactory(
        site=site,
        created_by=specialist,
        status=Case.Status.CLOSED,
        closing_reason="resolved",
        closed_on=timezone.localdate() - dt.timedelta(days=400),
        closed_recorded_at=timezone.now() - dt.timedelta(days=400),
    )
    ContactFactory(case=old, specialist=specialist)
    assert tasks.anonymize_expired_cases.delay().get() == 1
    old.refresh_from_db()
    assert old.anonymized_at and old.guardians.get().name == ""
    assert AuditEntry.objects.about(old).filter(action=AuditEntry.Action.ANONYMIZE, by=None).exists()


@pytest.mark.django_db(transaction=True)
def test_digest_through_a_real_worker_is_sent_once(real_celery_worker, specialist, site):
    case = CaseFactory(site=site, created_by=specialist)
    FollowUpFactory(case=case, assignee=specialist, due_on=timezone.localdate())
    first = tasks.send_follow_up_digests.delay()
    second = tasks.send_follow_up_digests.delay()
    assert sorted([first.get(timeout=20), second.get(timeout=20)]) == [0, 1]
    assert (
        OutgoingMail.objects.filter(
            message="consultations/digest", recipient=specialist, sent_at__isnull=False
        ).count()
        == 1
    )
    assert len(mail.outbox) == 1
