from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from hubs import services
from portal.mail import MailTask


@shared_task(base=MailTask)
def send_report_reminders() -> int:
    """毎月5日: remind hub staff of last month's report and send city staff the overdue list."""
    return services.report_reminders_send(today=timezone.localdate())


@shared_task(base=MailTask)
def notify_report_returned(report_id: int) -> int:
    return services.report_returned_notify(report_id=report_id)


@shared_task(base=MailTask)
def notify_change_decided(change_id: int) -> int:
    return services.change_decided_notify(change_id=change_id)


@shared_task(base=MailTask)
def send_due_notices() -> int:
    """Beat sweep: notices whose on-commit enqueue was lost."""
    return services.notices_sweep()
