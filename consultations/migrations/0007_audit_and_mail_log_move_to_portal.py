"""The audit log and the mail log move to portal (one audit, one mailer for every app): each row is
copied into ``portal.AuditEntry`` / ``portal.OutgoingMail``, then the old tables go. The old table's
append-only trigger goes with it; ``portal.AuditEntry`` has its own."""

from django.db import migrations

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS consultations_auditentry_append_only ON consultations_auditentry;
DROP FUNCTION IF EXISTS consultations_auditentry_append_only();
"""


# MailLog kinds and the mailer's message names (the templates consultations/email/<name>_*.txt).
MESSAGE_OF_KIND = {"monthly_report": "monthly_report", "digest": "digest", "erasure": "erasure_notice"}


def copy_rows(apps, schema_editor) -> None:
    OldEntry = apps.get_model("consultations", "AuditEntry")
    Entry = apps.get_model("portal", "AuditEntry")
    MailLog = apps.get_model("consultations", "MailLog")
    Specialist = apps.get_model("consultations", "Specialist")
    OutgoingMail = apps.get_model("portal", "OutgoingMail")
    entries = OldEntry.objects.select_related("site__service").order_by("pk").iterator(chunk_size=2000)
    batch = []
    for old in entries:
        target_type, target_id = ("consultations.case", old.case_id) if old.case_id else ("", None)
        if target_id is None and old.site_id:
            target_type, target_id = "consultations.usersupportsite", old.site_id
        batch.append(
            Entry(
                by_id=old.actor_id,
                at=old.at,
                action=old.action,
                target_type=target_type,
                target_id=target_id,
                place=old.site.service.name if old.site_id else "",
                detail=old.detail,
                ip_address=old.ip_address,
                user_agent=old.user_agent,
            )
        )
        if len(batch) == 2000:
            Entry.objects.bulk_create(batch)
            batch = []
    Entry.objects.bulk_create(batch)
    sites = dict(Specialist.objects.values_list("user_id", "site_id"))
    OutgoingMail.objects.bulk_create(
        OutgoingMail(
            message=f"consultations/{MESSAGE_OF_KIND[log.kind]}",
            about_type="consultations.usersupportsite" if log.kind == "monthly_report" else "",
            about_id=sites.get(log.recipient_id, 0) if log.kind == "monthly_report" else 0,
            occasion=f"{log.period:%Y-%m}" if log.kind == "monthly_report" else log.period.isoformat(),
            recipient_id=log.recipient_id,
            attempts=1,
            created_at=log.sent_at,
            claimed_at=log.sent_at,
            sent_at=log.sent_at,
        )
        for log in MailLog.objects.all()
    )


def drop_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0006_consultation_request"),
        ("portal", "0003_audit_entry_and_outgoing_mail"),
    ]

    operations = [
        migrations.RunPython(copy_rows, migrations.RunPython.noop),
        migrations.RunPython(drop_trigger, migrations.RunPython.noop),
        migrations.DeleteModel(name="AuditEntry"),
        migrations.DeleteModel(name="MailLog"),
    ]
