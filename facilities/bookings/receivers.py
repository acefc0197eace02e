"""Receivers of other apps' signals; connected in ``BookingsConfig.ready``."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from facilities.bookings.models import Booking, Session
from facilities.bookings.services import booking_cancel
from facilities.caching import seats_changed
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


@receiver([post_save, post_delete], sender=Session, dispatch_uid="seats-session")
def session_seats_changed(*, instance: Session, **kwargs) -> None:
    """A session added, changed or removed: its service page's list of sessions is redone."""
    seats_changed(instance.service_id)


@receiver([post_save, post_delete], sender=Booking, dispatch_uid="seats-booking")
def booking_seats_changed(*, instance: Booking, **kwargs) -> None:
    """A booking made, cancelled or promoted from the waitlist: the seats left on the page change."""
    seats_changed(instance.session.service_id)
