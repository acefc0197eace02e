"""予約のメール: confirmation (with an .ics file), waitlist promotion, day-before reminder and
session-cancelled notices, each in the parent's language (``user.language``)."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation

from facilities.bookings.models import Booking


def booking_ics(booking: Booking) -> bytes:
    """An iCalendar file (RFC 5545) of the booked session, for the parent's calendar."""
    session = booking.session
    service = session.service
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//kosodate-portal//bookings//JA")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("uid", f"booking-{booking.pk}@kosodate-portal")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", session.starts_at.astimezone(dt.UTC))
    event.add("dtend", session.ends_at.astimezone(dt.UTC))
    event.add("summary", session.display_title)
    event.add(
        "location",
        ", ".join(p for p in (session.place, service.location.name, service.location.address) if p),
    )
    details = [service.name]
    if service.phone:
        details.append(service.phone)
    event.add("description", "\n".join(details))
    if session.status == session.Status.CANCELLED or booking.status == Booking.Status.CANCELLED:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()


def send_booking_mail(booking: Booking, kind: str) -> None:
    """Render and send one mail; raises on a mail-server error so the task retries."""
    parent = booking.parent
    language = parent.language if parent.language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    context = {
        "booking": booking,
        "session": booking.session,
        "service": booking.session.service,
        "parent": parent,
        "position": booking.waitlist_position(),
        "starts_at": timezone.localtime(booking.session.starts_at),
        "ends_at": timezone.localtime(booking.session.ends_at),
        "cancel_cutoff": timezone.localtime(booking.session.cancel_cutoff),
        "city_name": settings.CITY_NAME,
    }
    with translation.override(language):
        subject = render_to_string(f"bookings/email/{kind}_subject.txt", context).strip()
        body = render_to_string(f"bookings/email/{kind}.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[parent.email])
    if booking.status == Booking.Status.CONFIRMED and kind in ("confirmation", "promotion"):
        message.attach(f"booking-{booking.pk}.ics", booking_ics(booking), "text/calendar")
    message.send()
