"""The one audit helper (portal.audit): an entry per change in the change's own transaction, the
acting user called ``by`` everywhere, refused attempts on personal data on record, and city staff
reading all of it on one filterable page."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from portal import audit
from portal.models import AuditEntry
from tests.bookings.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_an_entry_rolls_back_with_the_change_it_records(city_staff):
    session = SessionFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(
            action=AuditEntry.Action.UPDATE, target=session, by=city_staff, data={"capacity": [1, 2]}
        )
        raise RuntimeError("the change fails after its entry was written")
    assert not AuditEntry.objects.about(session).exists()


def test_an_entry_names_its_target_by_kind_and_number_never_by_a_person(city_staff):
    booking = BookingFactory()
    entry = audit.record(action=AuditEntry.Action.UPDATE, target=booking, by=city_staff, place="ひろば")
    assert entry.target_label == f"予約 {booking.pk}"
    assert booking.child.nickname not in entry.target_label and entry.place == "ひろば"


def test_city_staff_see_refused_attempts_and_filter_the_log_by_kind_of_record(client, parent, city_staff):
    theirs = BookingFactory()
    client.force_login(parent)
    client.get(reverse("bookings:booking_detail", args=[theirs.pk]))
    audit.record(action=AuditEntry.Action.UPDATE, target=SessionFactory(), by=city_staff)
    client.force_login(city_staff)
    url = reverse("consultations:audit_log")
    rows = client.get(url, {"action": "refused"}).context["page"].object_list
    assert [(e.by, e.target_type, e.target_id) for e in rows] == [(parent, "bookings.booking", theirs.pk)]
    rows = client.get(url, {"target_type": "bookings.session"}).context["page"].object_list
    assert [e.by for e in rows] == [city_staff]
    body = client.get(url).content.decode()
    assert "アクセス拒否" in body and f"予約 {theirs.pk}" in body and parent.email in body


def test_a_parent_with_entries_can_still_delete_their_account_and_stays_a_number(client, parent, city_staff):
    from portal.services import account_delete

    theirs = BookingFactory()
    client.force_login(parent)
    client.get(reverse("bookings:booking_detail", args=[theirs.pk]))
    parent_id = parent.pk
    account_delete(user=parent)  # the log keeps the entry; no constraint stops the erasure
    entry = AuditEntry.objects.about(theirs).get()
    assert entry.by_id == parent_id
    client.force_login(city_staff)
    body = client.get(reverse("consultations:audit_log")).content.decode()
    assert f"削除されたアカウント（{parent_id}）" in body and "parent@example.test" not in body
