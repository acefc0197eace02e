"""Mail tasks of 予約. The database says what is due; the mailer claims each mail before sending it."""

from __future__ import annotations

from celery import shared_task

from facilities.bookings import selectors, services
from portal.mail import MailTask


@shared_task(base=MailTask)
def send_booking_notice(booking_id: int, kind: str) -> bool:
    """Send one booking mail unless it was already sent (then a no-op)."""
    return services.booking_send_notice(booking_id=booking_id, kind=kind)


@shared_task
def send_due_notices() -> int:
    """Beat sweep: day-before reminders, and any notice whose on-commit enqueue was lost."""
    due = selectors.due_notices()
    for booking_id, kind in due:
        send_booking_notice.delay(booking_id, kind)
    return len(due)
