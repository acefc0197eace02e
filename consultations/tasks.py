"""Scheduled work of the consultations app. Each task asks the database what is due and claims it."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from consultations import selectors, services
from portal.mail import MailTask


@shared_task(base=MailTask)
def send_monthly_reports() -> int:
    """On the 1st: last month's report to each site lead (runs twice → one mail)."""
    return services.monthly_reports_send(month=selectors.previous_month(timezone.localdate()))


@shared_task(base=MailTask)
def send_follow_up_digests() -> int:
    """Each morning: every specialist's follow-ups due today or overdue (runs twice → one mail)."""
    return services.follow_up_digests_send(day=timezone.localdate())


@shared_task(base=MailTask)
def anonymize_expired_cases() -> int:
    """Nightly: first tell city staff what will be erased within 30 days, then anonymize the cases
    due (retention period passed and the close on record for 30 days). A failed notice stops the
    night's erasure: nothing is erased that was not listed."""
    services.erasure_notices_send(day=timezone.localdate())
    return services.cases_anonymize_expired()
