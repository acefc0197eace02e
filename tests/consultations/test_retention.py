"""#11.3: no irreversible erasure from a typo. A closing date cannot precede the first contact nor lie
in the future; erasure waits for the retention period *and* 30 days after the close was recorded, and
city staff see what is coming (a page and a mail) before anything is erased."""

from __future__ import annotations

import datetime as dt

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from consultations import services, tasks
from consultations.models import Case
from consultations.services import Origin
from portal.models import AuditEntry, OutgoingMail
from tests.consultations.factories import CaseFactory, ContactFactory

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.CONSULTATION_RETENTION_YEARS = 5


def _closed_case(site, specialist, *, closed_on: dt.date, recorded_days_ago: int) -> Case:
    case = CaseFactory(
        site=site,
        created_by=specialist,
        status=Case.Status.CLOSED,
        closing_reason="resolved",
        closed_on=closed_on,
        closed_recorded_at=timezone.now() - dt.timedelta(days=recorded_days_ago),
        created_at=timezone.now() - dt.timedelta(days=365 * 7),
    )
    ContactFactory(case=case, specialist=specialist, contacted_at=timezone.now() - dt.timedelta(days=365 * 7))
    return case


def test_the_typo_is_refused_a_case_first_contacted_today_cannot_close_in_2019(client, specialist, case):
    client.force_login(specialist)
    response = client.post(
        reverse("consultations:case_close", args=[case.pk]),
        {"reason": "resolved", "closed_on": "2019-01-01"},
        follow=True,
    )
    assert "最初の相談日" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.closed_on is None
    assert services.cases_anonymize_expired() == 0


def test_a_closing_date_in_the_future_is_refused_and_the_object_is_left_as_it_was(specialist, case):
    with pytest.raises(ValidationError, match="未来の日付"):
        services.case_close(
            case=case,
            by=specialist,
            origin=Origin(),
            reason="resolved",
            closed_on=TODAY + dt.timedelta(days=1),
        )
    assert case.status == Case.Status.IN_PROGRESS and not case.is_read_only


def test_closing_records_when_it_was_recorded(specialist, case):
    services.case_close(case=case, by=specialist, origin=Origin(), reason="resolved")
    case.refresh_from_db()
    assert case.closed_recorded_at is not None
    assert abs(case.closed_recorded_at - timezone.now()) < dt.timedelta(minutes=1)


def test_erasure_waits_30_days_after_the_close_was_recorded(site, specialist):
    old_close = TODAY - dt.timedelta(days=365 * 6)
    just_recorded = _closed_case(site, specialist, closed_on=old_close, recorded_days_ago=0)
    recorded_long_ago = _closed_case(site, specialist, closed_on=old_close, recorded_days_ago=400)
    assert services.cases_anonymize_expired(today=TODAY) == 1
    just_recorded.refresh_from_db()
    recorded_long_ago.refresh_from_db()
    assert just_recorded.anonymized_at is None and recorded_long_ago.anonymized_at is not None
    assert just_recorded.erasure_on == TODAY + dt.timedelta(days=30)
    assert services.cases_anonymize_expired(today=TODAY + dt.timedelta(days=29)) == 0
    assert services.cases_anonymize_expired(today=TODAY + dt.timedelta(days=30)) == 1


def test_erasure_waits_for_the_retention_period(site, specialist):
    case = _closed_case(site, specialist, closed_on=TODAY - dt.timedelta(days=100), recorded_days_ago=100)
    assert case.erasure_on > TODAY + dt.timedelta(days=365 * 4)
    assert services.cases_anonymize_expired(today=TODAY) == 0
    assert services.cases_anonymize_expired(today=case.erasure_on - dt.timedelta(days=1)) == 0
    assert services.cases_anonymize_expired(today=case.erasure_on) == 1


def test_a_close_without_a_record_of_when_is_never_erased(site, specialist):
    case = _closed_case(site, specialist, closed_on=TODAY - dt.timedelta(days=365 * 6), recorded_days_ago=0)
    Case.objects.filter(pk=case.pk).update(closed_recorded_at=None)
    assert services.cases_anonymize_expired(today=TODAY + dt.timedelta(days=365)) == 0


def test_city_staff_see_the_coming_erasures_without_names(client, city_staff, specialist, site):
    soon = _closed_case(site, specialist, closed_on=TODAY - dt.timedelta(days=365 * 6), recorded_days_ago=5)
    later = _closed_case(site, specialist, closed_on=TODAY - dt.timedelta(days=100), recorded_days_ago=100)
    client.force_login(city_staff)
    body = client.get(reverse("consultations:erasures")).content.decode()
    assert soon.number in body and f"{soon.erasure_on:%Y-%m-%d}" in body
    assert later.number not in body
    assert soon.guardians.get().name not in body


@pytest.mark.parametrize("persona", ["specialist", "parent", "hub_staff"])
def test_only_city_staff_open_the_erasure_list(db, client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("consultations:erasures")).status_code == 403


def test_the_nightly_run_mails_city_staff_the_coming_erasures_once_before_erasing(
    city_staff, specialist, site
):
    soon = _closed_case(site, specialist, closed_on=TODAY - dt.timedelta(days=365 * 6), recorded_days_ago=5)
    assert tasks.anonymize_expired_cases.delay().get() == 0  # listed, not erased: 30 days not yet
    tasks.anonymize_expired_cases.delay()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [city_staff.email]
    body = mail.outbox[0].body
    assert soon.number in body and f"{soon.erasure_on:%Y-%m-%d}" in body
    assert soon.guardians.get().name not in body
    assert (
        OutgoingMail.objects.filter(message="consultations/erasure_notice", sent_at__isnull=False).count()
        == 1
    )
    soon.refresh_from_db()
    assert soon.anonymized_at is None


def test_no_notice_when_nothing_is_coming(city_staff):
    assert services.erasure_notices_send(day=TODAY) == 0
    assert mail.outbox == []


def test_a_failed_notice_stops_the_nights_erasure(city_staff, specialist, site, monkeypatch):
    due = _closed_case(site, specialist, closed_on=TODAY - dt.timedelta(days=365 * 6), recorded_days_ago=60)

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    with pytest.raises((OSError, Retry)):  # the task retries on a mail error
        tasks.anonymize_expired_cases.apply(throw=True)
    due.refresh_from_db()
    assert due.anonymized_at is None
    assert not AuditEntry.objects.about(due).filter(action=AuditEntry.Action.ANONYMIZE).exists()
