from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from hubs import services


@shared_task
def send_report_reminders() -> int:
    """毎月5日: remind hub staff of last month's report and send city staff the overdue list."""
    return services.report_reminders_send(today=timezone.localdate())
