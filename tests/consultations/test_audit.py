"""The audit log: every read, change and export is written; nobody can change or delete an entry."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from consultations import services
from portal import audit
from portal.audit import Origin
from portal.models import AuditEntry
from tests.conftest import require_service


def test_reading_a_case_writes_who_when_what_and_from_where(client, specialist, case):
    client.force_login(specialist)
    client.get(
        reverse("consultations:case_detail", args=[case.pk]), REMOTE_ADDR="192.0.2.5", HTTP_USER_AGENT="UA/2"
    )
    entry = AuditEntry.objects.about(case).filter(action=AuditEntry.Action.READ).get()
    assert entry.by == specialist and entry.place == str(case.site)
    assert entry.ip_address == "192.0.2.5" and entry.user_agent == "UA/2" and entry.at is not None


def test_searching_and_exporting_are_logged(client, specialist, city_staff, site):
    client.force_login(specialist)
    client.get(reverse("consultations:case_list"), {"q": "やまだ"})
    assert AuditEntry.objects.filter(
        by=specialist, action=AuditEntry.Action.READ, detail__contains="やまだ"
    ).exists()
    client.force_login(city_staff)
    client.get(reverse("consultations:report_csv"))
    assert AuditEntry.objects.filter(by=city_staff, action=AuditEntry.Action.EXPORT).exists()


def test_a_change_and_its_audit_entry_commit_or_roll_back_together(specialist, case):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.case_close(case=case, by=specialist, origin=Origin(), reason="resolved")
        raise RuntimeError("the request fails after the change")
    case.refresh_from_db()
    assert case.status != "closed"
    assert not AuditEntry.objects.about(case).filter(action=AuditEntry.Action.UPDATE).exists()


def test_entries_cannot_be_changed_or_deleted_through_the_app(specialist, case):
    entry = audit.record(by=specialist, action=AuditEntry.Action.READ, origin=Origin(), target=case)
    entry.detail = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(detail="tampered")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).detail == ""


def test_the_database_itself_refuses_update_and_delete(specialist, case):
    require_service(connection.vendor == "postgresql", "the append-only trigger is PostgreSQL only")
    entry = audit.record(by=specialist, action=AuditEntry.Action.READ, origin=Origin(), target=case)
    for sql in (
        "UPDATE portal_auditentry SET detail = 'x' WHERE id = %s",
        "DELETE FROM portal_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, detail="").exists()


def test_city_staff_filter_the_audit_log_by_person_case_and_action(
    client, city_staff, specialist, other_specialist, case, other_case
):
    audit.record(by=specialist, action=AuditEntry.Action.READ, origin=Origin(), target=case)
    audit.record(by=other_specialist, action=AuditEntry.Action.UPDATE, origin=Origin(), target=other_case)
    client.force_login(city_staff)
    url = reverse("consultations:audit_log")
    rows = client.get(url, {"by": specialist.email}).context["page"].object_list
    assert rows and all(e.by == specialist for e in rows)
    rows = client.get(url, {"case": other_case.pk, "action": "update"}).context["page"].object_list
    assert [(e.target_type, e.target_id) for e in rows] == [("consultations.case", other_case.pk)]
    body = client.get(url).content.decode()
    assert case.guardians.get().name not in body  # the log names cases by number, not people


def test_audit_log_page_queries_are_bounded(
    client, city_staff, specialist, case, django_assert_max_num_queries
):
    for _ in range(30):
        audit.record(by=specialist, action=AuditEntry.Action.READ, origin=Origin(), target=case)
    client.force_login(city_staff)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("consultations:audit_log")).status_code == 200
