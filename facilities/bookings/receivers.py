"""Receivers of other apps' signals; connected in ``BookingsConfig.ready``."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from facilities.bookings.models import Booking
from facilities.bookings.services import booking_cancel
from portal.models import User
from portal.signals import account_closing


@receiver(account_closing, sender=User)
def release_bookings(*, user: User, **kwargs) -> None:
    """退会: cancel the person's upcoming bookings (their seats go to the waitlist); past bookings stay
    for the facilities' counts but no longer point at the person or the child."""
    upcoming = Booking.objects.filter(
        parent=user,
        status__in=[Booking.Status.CONFIRMED, Booking.Status.WAITLISTED],
        session__starts_at__gt=timezone.now(),
    )
    for booking in upcoming:
        booking_cancel(booking=booking, by=user, closing_account=True)
    Booking.objects.filter(parent=user).update(parent=None, child=None)
