"""The 5th-of-month reminder: hub staff of hubs with last month's report missing, and city staff's
overdue list; sent once per hub and month however often the task runs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from hubs import services
from hubs.models import Hub, HubTransition, MonthlyReport
from hubs.tasks import send_report_reminders
from portal.models import OutgoingMail
from tests.conftest import make_user
from tests.hubs.factories import HubFactory, link_staff


def approved_hub(city_staff, staff_user=None) -> Hub:
    hub = HubFactory(status=Hub.Status.APPROVED)
    HubTransition.objects.create(
        hub=hub, to_status=Hub.Status.APPROVED, by=city_staff, at=timezone.now() - dt.timedelta(days=90)
    )
    if staff_user:
        link_staff(staff_user, hub)
    return hub


@pytest.mark.django_db
def test_reminders_go_out_once(city_staff, hub_staff, django_capture_on_commit_callbacks):
    hub = approved_hub(city_staff, hub_staff)
    filed = approved_hub(city_staff, make_user("filed@example.test", "hub_staff"))
    today = timezone.localdate().replace(day=5)
    last = services.previous_month(today)
    MonthlyReport.objects.create(hub=filed, month=last, status="submitted")

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.report_reminders_send(today=today)
    assert sent == 2  # the hub with the missing report, and the city's list
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([hub_staff.email, city_staff.email])
    staff_mail = next(m for m in mail.outbox if m.to == [hub_staff.email])
    assert f"{last:%Y-%m}" in staff_mail.subject and hub.name in staff_mail.body
    city_mail = next(m for m in mail.outbox if m.to == [city_staff.email])
    assert f"{hub.name} {last:%Y-%m}" in city_mail.body
    assert f"{filed.name} {last:%Y-%m}" not in city_mail.body

    with django_capture_on_commit_callbacks(execute=True):
        assert services.report_reminders_send(today=today) == 0
    assert len(mail.outbox) == 2
    assert OutgoingMail.objects.filter(sent_at__isnull=False).count() == 2


@pytest.mark.django_db
def test_reminder_is_in_the_readers_language(city_staff, django_capture_on_commit_callbacks):
    english = make_user("en-hub@example.test", "hub_staff", language="en")
    approved_hub(city_staff, english)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_reminders_send(today=timezone.localdate())
    assert "Monthly report" in next(m for m in mail.outbox if m.to == [english.email]).subject


def test_beat_runs_the_task_on_the_fifth():
    entry = settings.CELERY_BEAT_SCHEDULE["hubs-report-reminders"]
    assert entry["task"] == "hubs.tasks.send_report_reminders"
    assert entry["schedule"].day_of_month == {5}


@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_real_worker_and_twice_sends_once(real_celery_worker, city_staff, hub_staff):
    approved_hub(city_staff, hub_staff)
    assert send_report_reminders.delay().get(timeout=30) == 2
    assert send_report_reminders.delay().get(timeout=30) == 0
    assert OutgoingMail.objects.filter(sent_at__isnull=False).count() == 2
