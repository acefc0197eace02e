"""Never overbooked: many parents racing for the last seats on PostgreSQL, each on its own connection."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from facilities.bookings.models import Booking
from tests.bookings.factories import BookingFactory, ChildFactory, SessionFactory
from tests.conftest import require_service

CLIENTS = 24
LAST_SEATS = 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parents_racing_for_the_last_three_seats_get_exactly_three(capsys):
    require_service(
        connection.vendor == "postgresql", "the race needs PostgreSQL row locks (set DATABASE_URL)"
    )
    session = SessionFactory(capacity=10)
    for _ in range(10 - LAST_SEATS):
        BookingFactory(session=session)
    children = [ChildFactory() for _ in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)
    statuses: list[int] = []
    errors: list[BaseException] = []
    url = reverse("bookings:booking_confirm", args=[session.pk])

    def parent_clicks_book(child) -> None:
        try:
            client = Client()
            client.force_login(child.parent)
            barrier.wait(timeout=30)
            statuses.append(client.post(url, {"child": child.pk}).status_code)
        except BaseException as error:  # recorded and asserted below; a thread cannot fail the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=parent_clicks_book, args=(child,)) for child in children]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    elapsed = time.perf_counter() - started

    assert errors == []
    assert statuses == [302] * CLIENTS  # every parent lands on their booking page, no error page
    racers = Booking.objects.filter(child__in=children)
    assert racers.filter(status="confirmed").count() == LAST_SEATS
    assert racers.filter(status="waitlisted").count() == CLIENTS - LAST_SEATS
    assert session.bookings.filter(status="confirmed").count() == session.capacity
    with capsys.disabled():
        print(
            f"\n[race] {CLIENTS} clients, {LAST_SEATS} last seats: 3 confirmed, {CLIENTS - LAST_SEATS} waitlisted in {elapsed:.2f}s"
        )


OVERLAPPING = 8


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_child_booked_into_overlapping_sessions_at_once_holds_only_one(capsys):
    """Two tabs, two devices: the same child booked into sessions at the same hours, all at once.
    The child's row lock in booking_create lets exactly one through."""
    require_service(
        connection.vendor == "postgresql", "the race needs PostgreSQL row locks (set DATABASE_URL)"
    )
    child = ChildFactory()
    sessions = [SessionFactory(title=f"回{i}") for i in range(OVERLAPPING)]
    barrier = threading.Barrier(OVERLAPPING)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def book(session) -> None:
        try:
            client = Client()
            client.force_login(child.parent)
            barrier.wait(timeout=30)
            url = reverse("bookings:booking_confirm", args=[session.pk])
            statuses.append(client.post(url, {"child": child.pk}).status_code)
        except BaseException as error:  # recorded and asserted below; a thread cannot fail the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(session,)) for session in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert statuses == [302] * OVERLAPPING
    assert Booking.objects.filter(child=child).count() == 1
    with capsys.disabled():
        print(f"\n[overlap race] {OVERLAPPING} overlapping sessions for one child at once: 1 booking")
