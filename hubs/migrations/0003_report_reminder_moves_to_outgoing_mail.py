"""The reminder log moves to the one send-once table (``portal.OutgoingMail``), one row per person
the reminder went to (the mailer keys every mail by its recipient)."""

from django.db import migrations


def copy_rows(apps, schema_editor) -> None:
    ReportReminder = apps.get_model("hubs", "ReportReminder")
    HubStaffAccount = apps.get_model("hubs", "HubStaffAccount")
    User = apps.get_model("portal", "User")
    OutgoingMail = apps.get_model("portal", "OutgoingMail")
    city_staff = list(User.objects.filter(role="city_staff", is_active=True).values_list("pk", flat=True))
    rows = []
    for reminder in ReportReminder.objects.all():
        if reminder.hub_id is None:
            message, about_type, about_id, recipients = "hubs/overdue_list", "", 0, city_staff
        else:
            message, about_type, about_id = "hubs/report_reminder", "hubs.hub", reminder.hub_id
            recipients = HubStaffAccount.objects.filter(hub_id=reminder.hub_id).values_list("user_id", flat=True)
        rows.extend(
            OutgoingMail(
                message=message,
                about_type=about_type,
                about_id=about_id,
                occasion=f"{reminder.month:%Y-%m}",
                recipient_id=user_id,
                attempts=1,
                created_at=reminder.sent_at,
                claimed_at=reminder.sent_at,
                sent_at=reminder.sent_at,
            )
            for user_id in recipients
        )
    OutgoingMail.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("hubs", "0002_derive_user_support_from_registry"),
        ("portal", "0003_audit_entry_and_outgoing_mail"),
    ]

    operations = [
        migrations.RunPython(copy_rows, migrations.RunPython.noop),
        migrations.DeleteModel(name="ReportReminder"),
    ]
