"""予約のメール: what each booking notice says and carries, sent through the one mailer
(``portal.mail``): confirmation and promotion with an .ics, the day-before reminder, the notices of a
cancelled booking or session (with an .ics that removes the event), and the specialist's copy when a
session they booked for a family is cancelled."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.urls import reverse
from django.utils import timezone

from facilities.bookings.models import Booking
from portal import mail

# Every booking notice, in the order the sweep looks for them; the message is "bookings/<kind>".
# All go to the parent except the last, which goes to the specialist who booked for the family.
NOTICES = (
    "confirmation",
    "promotion",
    "reminder",
    "session_cancelled",
    "cancelled",
    "session_cancelled_for_family",
)
# The event is in the parent's calendar after these; the cancelling notices remove it again.
ADDS_EVENT = {"confirmation", "promotion"}
REMOVES_EVENT = {"session_cancelled", "cancelled"}
ALARM_BEFORE = dt.timedelta(hours=1)


def booking_url(booking: Booking) -> str:
    return mail.absolute_url(reverse("bookings:booking_detail", args=[booking.pk]))


def booking_ics(booking: Booking) -> bytes:
    """An iCalendar file (RFC 5545) of the booked session, for the parent's calendar.

    The UID is the booking's, so the file sent on cancelling (``METHOD:CANCEL``, ``STATUS:CANCELLED``,
    a higher ``SEQUENCE``) removes the event the confirmation added.
    """
    session = booking.session
    service = session.service
    cancelled = session.status == session.Status.CANCELLED or booking.status == Booking.Status.CANCELLED
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//kosodate-portal//bookings//JA")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"booking-{booking.pk}@kosodate-portal")
    event.add("sequence", 1 if cancelled else 0)
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", session.starts_at.astimezone(dt.UTC))
    event.add("dtend", session.ends_at.astimezone(dt.UTC))
    event.add("summary", session.display_title)
    event.add(
        "location",
        ", ".join(p for p in (session.place, service.location.name, service.location.address) if p),
    )
    url = booking_url(booking)
    event.add("url", url)
    details = [service.name, url]
    if service.phone:
        details.insert(1, service.phone)
    event.add("description", "\n".join(details))
    if cancelled:
        event.add("status", "CANCELLED")
    else:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", session.display_title)
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()


def _context(booking: Booking) -> dict:
    session = booking.session
    return {
        "booking": booking,
        "session": session,
        "service": session.service,
        "position": booking.waitlist_position(),
        "starts_at": timezone.localtime(session.starts_at),
        "ends_at": timezone.localtime(session.ends_at),
        "cancel_cutoff": timezone.localtime(session.cancel_cutoff),
        "booking_url": booking_url(booking),
    }


def booking_notice_send(booking: Booking, kind: str) -> bool:
    """Send the notice ``kind`` about ``booking`` once; True when this call sent it."""
    attachments = []
    if (kind in ADDS_EVENT and booking.status == Booking.Status.CONFIRMED) or kind in REMOVES_EVENT:
        attachments.append(
            mail.Attachment(f"booking-{booking.pk}.ics", booking_ics(booking), "text/calendar")
        )
    recipient = booking.booked_by if kind == "session_cancelled_for_family" else booking.parent
    return mail.send(
        message=f"bookings/{kind}",
        recipient=recipient,
        about=booking,
        context=_context(booking),
        attachments=attachments,
    )
