"""The one mailer (portal.mail): a mail per key at most once, claimed before it is sent, with a stable
Message-ID, in the recipient's language, naming the portal and the person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail as outbox
from django.core.mail import EmailMessage
from django.db import OperationalError
from django.utils import timezone

from portal import mail
from portal.models import OutgoingMail, Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return make_user("reader@example.test", Role.PARENT, display_name="山田 花子")


def _send(recipient, **extra) -> bool:
    # A message every install has: the hub report reminder, about no object in particular.
    context = {"hub": {"name": "ひだまりひろば"}, "month": dt.date(2026, 10, 1), "url": "https://x.test/r"}
    return mail.send(
        message="hubs/report_reminder", recipient=recipient, occasion="2026-10", context=context, **extra
    )


def test_a_mail_goes_out_once_per_key_however_often_it_is_asked_for(reader):
    assert _send(reader) is True
    assert _send(reader) is False
    assert len(outbox.outbox) == 1
    row = OutgoingMail.objects.get()
    assert row.sent_at is not None and row.attempts == 1 and row.recipient == reader


def test_every_mail_names_the_portal_and_addresses_the_person_by_name(reader, settings):
    settings.CITY_NAME = "みどり市"
    settings.PORTAL_URL = "https://kosodate.example.jp"
    _send(reader)
    (message,) = outbox.outbox
    assert message.body.startswith("山田 花子 様")
    assert "みどり市 子育て支援ポータル" in message.body and "https://kosodate.example.jp/" in message.body
    assert "reader@example.test" not in message.body  # an address is not a name


def test_someone_without_a_name_is_not_addressed_by_their_email():
    nameless = make_user("nameless@example.test", Role.HUB_STAFF)
    _send(nameless)
    assert outbox.outbox[0].body.startswith("ご利用者様")


def test_the_mail_is_in_the_recipients_language(reader):
    reader.language = "en"
    reader.save()
    _send(reader)
    (message,) = outbox.outbox
    assert message.subject.startswith("[Monthly report]")
    assert message.body.startswith("Dear 山田 花子,") and "Childcare Support Portal" in message.body


def test_the_message_id_is_the_same_for_every_attempt(reader, monkeypatch):
    seen = []
    real_send = EmailMessage.send

    def fails_once(self, *args, **kwargs):
        seen.append(self.message()["Message-ID"])
        if len(seen) == 1:
            raise ConnectionRefusedError("mail server not answering")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", fails_once)
    with pytest.raises(ConnectionRefusedError):
        _send(reader)
    # The failed attempt released its claim, so the retry may send at once.
    assert OutgoingMail.objects.get().claimed_at is None
    assert _send(reader) is True
    assert seen[0] == seen[1] == outbox.outbox[0].message()["Message-ID"]
    assert seen[0].startswith("<hubs-report-reminder.none.0.2026-10.") and seen[0].endswith("@example.jp>")


def test_a_fresh_claim_of_another_sender_is_left_alone(reader):
    key = {"message": "hubs/report_reminder", "occasion": "2026-10", "recipient": reader}
    OutgoingMail.objects.create(**key, claimed_at=timezone.now(), attempts=1)
    with pytest.raises(mail.MailInProgress):
        _send(reader)
    assert outbox.outbox == []


def test_a_claim_left_by_a_dead_sender_is_taken_over_after_the_timeout(reader):
    key = {"message": "hubs/report_reminder", "occasion": "2026-10", "recipient": reader}
    stale = timezone.now() - mail.CLAIM_TIMEOUT - dt.timedelta(seconds=1)
    OutgoingMail.objects.create(**key, claimed_at=stale, attempts=1)
    assert _send(reader) is True
    row = OutgoingMail.objects.get()
    assert row.attempts == 2 and row.sent_at is not None


def test_send_all_sends_the_rest_before_reporting_a_held_mail(reader):
    other = make_user("other@example.test", Role.PARENT)
    key = {"message": "hubs/report_reminder", "occasion": "2026-10", "recipient": reader}
    OutgoingMail.objects.create(**key, claimed_at=timezone.now())
    context = {"hub": {"name": "h"}, "month": dt.date(2026, 10, 1), "url": "u"}
    batch = [
        {"message": "hubs/report_reminder", "recipient": user, "occasion": "2026-10", "context": context}
        for user in (reader, other)
    ]
    with pytest.raises(mail.MailInProgress):
        mail.send_all(batch)
    assert [m.to for m in outbox.outbox] == [[other.email]]


@pytest.mark.django_db(transaction=True)
def test_a_database_error_while_recording_the_send_is_retried(reader, monkeypatch):
    """A terminated connection between the send and its record must not lead to a second mail."""
    monkeypatch.setattr(mail, "DB_BACKOFF_SECONDS", 0)
    real_update = type(OutgoingMail.objects.all()).update
    failures = []

    def update(self, **fields):
        if "sent_at" in fields and not failures:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(self, **fields)

    monkeypatch.setattr(type(OutgoingMail.objects.all()), "update", update)
    assert _send(reader) is True
    assert failures and OutgoingMail.objects.get().sent_at is not None
    assert _send(reader) is False
    assert len(outbox.outbox) == 1


def test_the_claim_timeout_is_shorter_than_the_brokers_visibility_timeout(settings):
    # A task redelivered after its worker died must find the dead sender's claim already stale.
    assert mail.CLAIM_TIMEOUT.total_seconds() < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]


def test_an_html_part_is_added_when_the_message_has_one_and_it_escapes_what_people_typed(
    reader, settings, tmp_path
):
    html = tmp_path / "hubs" / "email" / "report_reminder_body.html"
    html.parent.mkdir(parents=True)
    html.write_text("<p>{{ hub.name }}</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    context = {"hub": {"name": "<script>x</script>"}, "month": dt.date(2026, 10, 1), "url": "u"}
    mail.send(message="hubs/report_reminder", recipient=reader, occasion="2026-10", context=context)
    (message,) = outbox.outbox
    assert message.alternatives[0][1] == "text/html"
    assert "&lt;script&gt;" in message.alternatives[0][0] and "<script>" not in message.alternatives[0][0]
    assert "<script>x</script>" in message.body  # plain text is not HTML: nothing to escape there
