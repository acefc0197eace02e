"""The demo city with a parent who has a child and a booking: what the parent's pages show."""

from __future__ import annotations

import io

import pytest

from facilities import demo as facilities_demo
from facilities.bookings import demo as bookings_demo
from facilities.bookings.models import Session
from portal import demo as portal_demo
from tests.bookings.factories import BookingFactory, ChildFactory


@pytest.fixture
def parent_city(db, parent) -> Session:
    """The demo city; ``parent`` has a child booked on the first bookable session (returned)."""
    portal_demo.seed(io.StringIO())
    facilities_demo.seed(io.StringIO())
    bookings_demo.seed(io.StringIO())
    child = ChildFactory(parent=parent, nickname="Sora")
    session = Session.objects.filter(service__bookable_online=True).order_by("starts_at").first()
    BookingFactory(session=session, child=child, parent=parent)
    return session
