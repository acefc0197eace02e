"""Who changed a hub or opened a 出張ひろば is on record (portal.audit), and hub staff hear when a
report is returned or their proposed change is decided."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from hubs import services
from hubs.models import HubChangeRequest, MonthlyReport
from hubs.rules import PopupDay
from portal.models import AuditEntry, Role
from tests.conftest import make_user
from tests.hubs.conftest import hub_form_data
from tests.hubs.factories import HubFactory, LocationFactory, link_staff

pytestmark = pytest.mark.django_db


def test_editing_a_hub_records_who_did_it_with_what(city_client, city_staff):
    hub = HubFactory()
    data = hub_form_data(hours=[(d, "09:00", "15:00") for d in range(6)])
    data |= {"op-organization": hub.service.organization_id, "place-location": hub.service.location_id}
    assert city_client.post(reverse("hubs:edit", args=[hub.pk]), data).status_code == 302
    entry = AuditEntry.objects.about(hub).get()
    assert entry.by == city_staff and entry.action == AuditEntry.Action.UPDATE
    assert entry.data["hours"][0] == [0, "09:00", "15:00"] and len(entry.data["hours"]) == 6


def test_a_refused_hub_edit_records_nothing(city_client):
    hub = HubFactory()
    data = hub_form_data(hours=[(d, "10:00", "14:59") for d in range(5)])  # under 5 hours a day
    data |= {"op-organization": hub.service.organization_id, "place-location": hub.service.location_id}
    assert city_client.post(reverse("hubs:edit", args=[hub.pk]), data).status_code == 400
    assert not AuditEntry.objects.about(hub).exists()


def test_opening_a_popup_records_who_did_it(city_staff):
    hub = HubFactory(addon_popup=True)
    tuesday = timezone.localdate() + dt.timedelta(days=(1 - timezone.localdate().weekday()) % 7 + 7)
    popup = services.popup_create(
        by=city_staff, hub=hub, location=LocationFactory(), days=[PopupDay(tuesday, dt.time(10), dt.time(15))]
    )
    entry = AuditEntry.objects.about(popup).get()
    assert entry.by == city_staff and entry.data["days"] == [[f"{tuesday}", "10:00", "15:00"]]


def test_hub_staff_are_mailed_when_a_report_is_returned(
    city_client, hub_staff, own_hub, django_capture_on_commit_callbacks
):
    colleague = make_user("colleague@example.test", Role.HUB_STAFF, display_name="佐藤")
    link_staff(colleague, own_hub)
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    report = MonthlyReport.objects.create(hub=own_hub, month=month, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        city_client.post(
            reverse("hubs:report_review", args=[report.pk]),
            {"decision": "reject", "comment": "相談件数を確認"},
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([hub_staff.email, colleague.email])
    message = next(m for m in mail.outbox if m.to == [colleague.email])
    assert "差し戻し" in message.subject and "相談件数を確認" in message.body
    assert message.body.startswith("佐藤 様") and f"/hubs/reports/{report.pk}/" in message.body
    assert services.notices_sweep() == 0  # sent once; the sweep finds nothing left


def test_an_accepted_report_sends_no_mail(city_client, own_hub, django_capture_on_commit_callbacks):
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    report = MonthlyReport.objects.create(hub=own_hub, month=month, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        city_client.post(reverse("hubs:report_review", args=[report.pk]), {"decision": "accept"})
    assert mail.outbox == []


def test_the_proposer_hears_the_decision_in_their_language(
    client, city_staff, own_hub, hub_staff, django_capture_on_commit_callbacks
):
    hub_staff.language = "en"
    hub_staff.save()
    change = HubChangeRequest.objects.create(hub=own_hub, proposed_by=hub_staff, data={})
    client.force_login(city_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("hubs:change_decide", args=[change.pk]), {"decision": "reject", "comment": "時期を相談"}
        )
    (message,) = mail.outbox
    assert message.to == [hub_staff.email]
    assert message.subject == f"[Proposed change] {own_hub.name}: declined" and "時期を相談" in message.body


def test_a_notice_whose_enqueue_was_lost_is_sent_by_the_sweep(own_hub, hub_staff, city_staff):
    change = HubChangeRequest.objects.create(
        hub=own_hub, proposed_by=hub_staff, data={}, status="declined", decided_by=city_staff,
        decided_at=timezone.now(), comment="見送り",
    )  # fmt: skip
    assert services.notices_sweep() == 1
    assert services.notices_sweep() == 0
    assert [m.to for m in mail.outbox] == [[hub_staff.email]] and change.comment in mail.outbox[0].body
