"""#11.2: one mistyped date must not take a site down. Every date of a case record has a sane range,
refused by the model (whatever path writes it) and, as a last guard, by the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Case, Child, Contact, CooperationActivity, FollowUp, Referral
from consultations.services import Origin
from tests.conftest import require_service
from tests.consultations.factories import ChildFactory, FollowUpFactory, ReferralFactory

TZ = timezone.get_default_timezone()
YEAR_ONE = dt.datetime(1, 1, 1, tzinfo=TZ)
TODAY = timezone.localdate()


@pytest.mark.parametrize(
    "value,message",
    [
        ("0001-01-01T00:00", "2000-01-01 より前"),
        ("1999-12-31T23:59", "2000-01-01 より前"),
        ("9999-12-31T23:59", "未来の日時"),
    ],
)
def test_a_contact_out_of_range_is_refused_and_the_site_stays_up(client, specialist, case, value, message):
    client.force_login(specialist)
    url = reverse("consultations:contact_add", args=[case.pk])
    response = client.post(
        url, {"contacted_at": value, "channel": "phone", "needs": [case.contacts.get().needs.get().pk]}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert case.contacts.count() == 1
    for page in (
        reverse("consultations:case_list"),
        reverse("consultations:case_detail", args=[case.pk]),
        reverse("consultations:report") + f"?month={TODAY:%Y-%m}",
        reverse("consultations:report_csv") + f"?month={TODAY:%Y-%m}",
    ):
        assert client.get(page).status_code == 200, page


def test_the_model_refuses_every_out_of_range_date(specialist, case):
    contact = Contact(case=case, contacted_at=YEAR_ONE, channel="phone", specialist=specialist)
    with pytest.raises(ValidationError, match="2000-01-01"):
        contact.full_clean()
    child = Child(case=case, birth_date=TODAY - dt.timedelta(days=19 * 366))
    with pytest.raises(ValidationError, match="18歳以下"):
        child.full_clean()
    case.due_date = TODAY + dt.timedelta(days=400)
    with pytest.raises(ValidationError, match="10か月以内"):
        case.full_clean()
    case.due_date = None
    referral = ReferralFactory.build(case=case, referred_on=dt.date(1, 1, 1))
    with pytest.raises(ValidationError, match="2000-01-01"):
        referral.full_clean()
    follow_up = FollowUp(
        case=case, due_on=TODAY + dt.timedelta(days=800), assignee=specialist, description="x"
    )
    with pytest.raises(ValidationError, match="2年より先"):
        follow_up.full_clean()
    meeting = CooperationActivity(
        site=case.site,
        held_on=dt.date(9999, 12, 31),
        partners="保健センター",
        topic="t",
        recorded_by=specialist,
    )
    with pytest.raises(ValidationError, match="未来の日付"):
        meeting.full_clean()


def test_an_old_value_that_was_valid_when_saved_does_not_block_an_edit(specialist, case):
    """Relative ranges apply to what changes: last year's due date or an overdue follow-up stay editable."""
    Case.objects.filter(pk=case.pk).update(due_date=TODAY - dt.timedelta(days=300))
    case.refresh_from_db()
    services.case_update(case=case, by=specialist, origin=Origin(), fields={"area": None})
    follow_up = FollowUpFactory(case=case, assignee=specialist)
    FollowUp.objects.filter(pk=follow_up.pk).update(due_on=TODAY - dt.timedelta(days=30))
    follow_up.refresh_from_db()
    follow_up.description = "電話で確認（再）"
    follow_up.full_clean()


def test_the_database_refuses_a_date_written_past_the_model(specialist, case):
    """The last guard: a bulk update or a raw import cannot store a year-1 date either."""
    for write in (
        lambda: Contact.objects.filter(case=case).update(contacted_at=dt.datetime(1999, 12, 31, tzinfo=TZ)),
        lambda: Child.objects.bulk_create([Child(case=case, birth_date=dt.date(1, 1, 1))]),
        lambda: Referral.objects.filter(pk=ReferralFactory(case=case).pk).update(
            outcome_on=dt.date(9999, 12, 31)
        ),
        lambda: Case.objects.filter(pk=case.pk).update(closed_on=dt.date(1, 1, 1)),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            write()
    assert ChildFactory(case=case).birth_date  # a sane one still goes in


def test_on_postgresql_a_bc_timestamp_never_reaches_the_table(client, specialist, case):
    require_service(connection.vendor == "postgresql", "BC timestamps are PostgreSQL's")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE consultations_contact SET contacted_at = '0001-01-01 00:00+09' WHERE case_id = %s",
            [case.pk],
        )
    client.force_login(specialist)
    response = client.post(
        reverse("consultations:contact_add", args=[case.pk]),
        {
            "contacted_at": "0001-01-01T00:00",
            "channel": "phone",
            "needs": [case.contacts.get().needs.get().pk],
        },
    )
    assert response.status_code == 200
    assert client.get(reverse("consultations:case_list")).status_code == 200
    assert client.get(reverse("consultations:case_detail", args=[case.pk])).status_code == 200


def test_on_postgresql_the_migration_repairs_a_bc_row_it_finds(specialist, case):
    """A site already broken by a BC row: the migration sets it to the floor and says so in the audit
    log. That migration writes the log of its day (consultations' own table); the later move of the
    log into portal carries the entry over, so both run here on the schema they were written for."""
    require_service(connection.vendor == "postgresql", "BC timestamps are PostgreSQL's")
    import importlib

    from django.db.migrations.executor import MigrationExecutor

    from portal.models import AuditEntry

    repair = importlib.import_module(
        "consultations.migrations.0005_sane_dates_close_recorded_at_merge_name_key"
    )
    move = importlib.import_module("consultations.migrations.0007_audit_and_mail_log_move_to_portal")
    before_the_move = (
        MigrationExecutor(connection)
        .loader.project_state(
            [("consultations", "0006_consultation_request"), ("portal", "0003_audit_entry_and_outgoing_mail")]
        )
        .apps
    )
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending FK checks before ALTER TABLE
        cursor.execute(
            "ALTER TABLE consultations_contact DROP CONSTRAINT consultations_contact_contacted_at_sane"
        )
        cursor.execute(
            "UPDATE consultations_contact SET contacted_at = '0001-01-01 00:00+09' WHERE case_id = %s",
            [case.pk],
        )
    with connection.schema_editor() as editor:  # the old tables, inside this test's transaction
        editor.create_model(before_the_move.get_model("consultations", "AuditEntry"))
        editor.create_model(before_the_move.get_model("consultations", "MailLog"))
    repair.repair_out_of_range_dates(before_the_move, None)
    move.copy_rows(before_the_move, None)
    assert timezone.localtime(case.contacts.get().contacted_at).date() == dt.date(2000, 1, 1)
    assert AuditEntry.objects.about(case).filter(detail__contains="Contact.contacted_at").exists()


@pytest.mark.parametrize("month", ["0001-01", "1999-12", "9999-12", f"{TODAY.year + 1}-01"])
def test_a_report_month_out_of_range_gets_a_message_not_a_500(client, specialist, city_staff, site, month):
    client.force_login(specialist)
    response = client.get(reverse("consultations:report"), {"month": month})
    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    client.force_login(city_staff)
    assert client.get(reverse("consultations:report_csv"), {"month": month}).status_code == 200


HOSTILE_DATES = ["0001-01-01", "1999-12-31", "9999-12-31", "2100-01-01"]


@pytest.mark.parametrize("value", HOSTILE_DATES)
def test_every_date_a_specialist_types_is_refused_with_a_message_and_nothing_changes(
    client, specialist, site, case, parent, value
):
    """Each date field of the case pages, posted out of range: never a 500, never a partial save."""
    from tests.consultations.test_case_pages import _edit_data

    referral = ReferralFactory(case=case)
    client.force_login(specialist)
    before = (
        case.contacts.count(),
        case.referrals.count(),
        case.follow_ups.count(),
        case.children.count(),
        CooperationActivity.objects.count(),
        Case.objects.count(),
    )
    need = case.contacts.get().needs.get().pk
    posts = [
        (
            reverse("consultations:case_edit", args=[case.pk]),
            _edit_data(case, **{"children-0-name": "子", "children-0-birth_date": value}),
        ),
        (reverse("consultations:case_edit", args=[case.pk]), _edit_data(case, due_date=value)),
        (
            reverse("consultations:case_edit", args=[case.pk]),
            _edit_data(case, booking_consent_on=value, parent_email=parent.email),
        ),
        (reverse("consultations:case_close", args=[case.pk]), {"reason": "resolved", "closed_on": value}),
        (
            reverse("consultations:referral_add", args=[case.pk]),
            {"need": need, "no_suitable_service": "on", "referred_on": value},
        ),
        (
            reverse("consultations:referral_outcome", args=[referral.pk]),
            {"outcome": "used", "outcome_on": value},
        ),
        (reverse("consultations:follow_up_add", args=[case.pk]), {"due_on": value, "description": "電話"}),
        (
            reverse("consultations:cooperation"),
            {"held_on": value, "partners": "保健センター", "topic": "連絡会"},
        ),
        (
            reverse("consultations:contact_log"),
            {
                "guardian_name": "日付 太郎",
                "child_name": "子",
                "child_birth_date": value,
                "contacted_at": "2026-01-05T10:00",
                "channel": "phone",
                "needs": [need],
            },
        ),
        (
            reverse("consultations:contact_log"),
            {
                "guardian_name": "日付 次郎",
                "due_date": value,
                "contacted_at": "2026-01-05T10:00",
                "channel": "phone",
                "needs": [need],
            },
        ),
        (
            reverse("consultations:contact_add", args=[case.pk]),
            {"contacted_at": f"{value}T10:00", "channel": "phone", "needs": [need]},
        ),
        (
            reverse("consultations:contact_add", args=[case.pk]),
            {
                "contacted_at": "2026-01-05T10:00",
                "channel": "phone",
                "needs": [need],
                "follow_up_due_on": value,
                "follow_up_description": "電話",
            },
        ),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, (url, data)
        body = response.content.decode()
        # Every range message ends so: 「…は入れられません。」 or 「…を入れてください…」.
        assert "入れられません" in body or "入れてください" in body, (url, data)
    case.refresh_from_db()
    referral.refresh_from_db()
    after = (
        case.contacts.count(),
        case.referrals.count(),
        case.follow_ups.count(),
        case.children.count(),
        CooperationActivity.objects.count(),
        Case.objects.count(),
    )
    assert after == before
    assert case.status == Case.Status.IN_PROGRESS and referral.outcome == Referral.Outcome.REFERRED
    assert case.due_date is None and case.booking_consent_on is None and case.parent_account is None
