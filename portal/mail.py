"""One mailer (メール送信) for every app: templates per message, the recipient's language, and one
send-once table (``OutgoingMail``) keyed by (message, object, occasion, recipient).

A message ``"bookings/confirmation"`` is rendered from ``bookings/email/confirmation_subject.txt``,
``bookings/email/confirmation_body.txt`` and, when it exists, ``confirmation_body.html``.

Delivery (docs/celery.md states it under each fault):
1. the claim (``claimed_at``) is written in its own committed transaction *before* the send, so a
   second sender sees it and a crash cannot undo it;
2. the mail carries a ``Message-ID`` derived from its key, so the rare resend after a crash between
   the send and step 3 is recognisable as the same mail;
3. ``sent_at`` is written after the send, retrying database errors with backoff.
A claim older than ``CLAIM_TIMEOUT`` without ``sent_at`` was left by a sender that died: the next
attempt (the task's retry, its redelivery, or the sweep) takes it over.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import smtplib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any, TypeVar

from celery import Task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, models, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.i18n import city_name
from portal.models import OutgoingMail, User

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Shorter than the broker's visibility timeout and the sweep's interval (settings.py): a task
# redelivered after a worker died, or the next sweep, finds the dead sender's claim already stale.
CLAIM_TIMEOUT = dt.timedelta(seconds=settings.MAIL_CLAIM_TIMEOUT)
# Database errors (a terminated connection, a failover) are retried this many times, doubling the wait.
DB_ATTEMPTS = 5
DB_BACKOFF_SECONDS = 0.2


class MailInProgress(Exception):
    """Another sender holds a fresh claim on this mail; try again after ``CLAIM_TIMEOUT``."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


def portal_name() -> str:
    """「みどり市 子育て支援ポータル」 in the active language."""
    return _("%(city_name)s 子育て支援ポータル") % {"city_name": city_name()}


def absolute_url(path: str) -> str:
    return settings.PORTAL_URL.rstrip("/") + path


def recipient_language(user: User) -> str:
    return user.language if user.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def with_db_retry(work: Callable[[], T]) -> T:
    """Run ``work`` (one short transaction), retrying database errors with exponential backoff."""
    for attempt in range(DB_ATTEMPTS - 1):
        try:
            return work()
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block:
                raise  # inside a caller's transaction a new connection would lose its work
            logger.warning("database error in the mailer; retry %d", attempt + 1, exc_info=True)
            connection.close()  # a terminated connection is dead; the next query opens a new one
            time.sleep(DB_BACKOFF_SECONDS * 2**attempt)
    return work()


def _key(message: str, about: models.Model | None, occasion: str, recipient: User) -> dict[str, Any]:
    return {
        "message": message,
        "about_type": about._meta.label_lower if about is not None else "",
        "about_id": about.pk if about is not None else 0,
        "occasion": occasion,
        "recipient": recipient,
    }


def message_id(mail: OutgoingMail) -> str:
    """A ``Message-ID`` that is the same for every attempt at one mail (RFC 5322 §3.6.4)."""
    parts = [mail.message, mail.about_type or "none", str(mail.about_id), mail.occasion or "once"]
    local = re.sub(r"[^A-Za-z0-9.-]", "-", ".".join(parts)) + f".{mail.recipient_id}"
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"
    return f"<{local}@{domain}>"


def _claim(key: dict[str, Any]) -> OutgoingMail | None:
    """Claim the mail in a transaction of its own; None when it was already sent."""
    with transaction.atomic(durable=True):
        mail, _created = OutgoingMail.objects.get_or_create(**key)
        now = timezone.now()
        taken = (
            OutgoingMail.objects.filter(pk=mail.pk, sent_at__isnull=True)
            .filter(models.Q(claimed_at__isnull=True) | models.Q(claimed_at__lt=now - CLAIM_TIMEOUT))
            .update(claimed_at=now, attempts=models.F("attempts") + 1)
        )
    if taken:
        return mail
    if OutgoingMail.objects.filter(pk=mail.pk, sent_at__isnull=False).exists():
        return None
    raise MailInProgress(str(mail))


def _render(
    message: str, recipient: User, context: dict[str, Any], attachments: Sequence[Attachment]
) -> EmailMultiAlternatives:
    app, name = message.split("/")
    prefix = f"{app}/email/{name}"
    with translation.override(recipient_language(recipient)):
        context = {
            **context,
            "recipient": recipient,
            "recipient_name": recipient.display_name,
            "portal_name": portal_name(),
            "portal_url": absolute_url("/"),
        }
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        email = EmailMultiAlternatives(
            subject=subject, body=render_to_string(f"{prefix}_body.txt", context), to=[recipient.email]
        )
        with contextlib.suppress(TemplateDoesNotExist):  # the HTML part is optional; text is not
            email.attach_alternative(render_to_string(f"{prefix}_body.html", context), "text/html")
    for attachment in attachments:
        email.attach(attachment.filename, attachment.content, attachment.mimetype)
    return email


def send(
    *,
    message: str,
    recipient: User,
    about: models.Model | None = None,
    occasion: str = "",
    context: dict[str, Any] | None = None,
    attachments: Sequence[Attachment] = (),
) -> bool:
    """Send the mail ``message`` to ``recipient`` once per (about, occasion); True when this call sent it.

    Call it outside any transaction (a task, or ``transaction.on_commit``): the claim must commit
    before the send. Raises ``MailInProgress`` while another sender holds a fresh claim, and the
    mail server's error after releasing the claim, so the caller's retry can send it.
    """
    mail = with_db_retry(lambda: _claim(_key(message, about, occasion, recipient)))
    if mail is None:
        return False
    try:
        email = _render(message, recipient, context or {}, attachments)
        email.extra_headers["Message-ID"] = message_id(mail)
        email.send()
    except Exception:
        with_db_retry(lambda: OutgoingMail.objects.filter(pk=mail.pk).update(claimed_at=None))
        raise
    with_db_retry(lambda: OutgoingMail.objects.filter(pk=mail.pk).update(sent_at=timezone.now()))
    return True


def record_sent(
    *,
    message: str,
    recipient: User,
    about: models.Model | None = None,
    occasion: str = "",
    at: dt.datetime | None = None,
) -> OutgoingMail:
    """Record a mail as sent without sending it (demo data; a mail that went out by other means)."""
    at = at or timezone.now()
    mail, _created = OutgoingMail.objects.update_or_create(
        **_key(message, about, occasion, recipient), defaults={"claimed_at": at, "sent_at": at}
    )
    return mail


def send_all(batch: Iterable[dict[str, Any]]) -> int:
    """``send`` each mail of ``batch`` (keyword arguments of ``send``); the number this call sent.

    A mail another sender holds does not stop the others: ``MailInProgress`` is raised after the
    rest are sent, so the task looks again later and sends only what is still unsent.
    """
    sent, held = 0, []
    for mail in batch:
        try:
            sent += send(**mail)
        except MailInProgress as exc:
            held.append(str(exc))
    if held:
        raise MailInProgress(", ".join(held))
    return sent


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Enqueue ``task`` once the transaction commits. An unreachable broker is logged and costs the
    request at most the short socket timeouts of ``CELERY_BROKER_TRANSPORT_OPTIONS``: the sweep
    finds the unsent mail in the database and delivers it."""

    def enqueue() -> None:
        try:
            task.delay(*args)
        except Exception:
            logger.warning("could not enqueue %s%r; the sweep will send it", task.name, args, exc_info=True)

    transaction.on_commit(enqueue)


class MailTask(Task):
    """Base of the tasks that send mail: a temporary error (mail server, database) is retried with
    backoff; a mail another sender holds is looked at again once that claim is stale."""

    autoretry_for = (OSError, smtplib.SMTPException, OperationalError, InterfaceError, MailInProgress)
    retry_backoff = 2
    retry_jitter = False
    max_retries = 6

    def retry(self, args=None, kwargs=None, exc=None, throw=True, eta=None, countdown=None, **options):
        if isinstance(exc, MailInProgress):
            countdown = CLAIM_TIMEOUT.total_seconds()
        return super().retry(args, kwargs, exc, throw, eta, countdown, **options)


def sent_q(message: str, model: type[models.Model]) -> models.Exists:
    """``Exists`` of a sent ``message`` about each row of ``model``, for querysets that ask what is due."""
    return models.Exists(
        OutgoingMail.objects.filter(
            message=message,
            about_type=model._meta.label_lower,
            about_id=models.OuterRef("pk"),
            sent_at__isnull=False,
        )
    )
