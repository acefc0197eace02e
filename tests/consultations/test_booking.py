"""代理予約: with the parent's account and consent, the specialist books the referred service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from facilities.bookings import services as booking_services
from facilities.bookings.models import Booking
from portal.models import AuditEntry
from tests.consultations.factories import ReferralFactory, ServiceFactory


@pytest.fixture
def course(specialist):
    service = ServiceFactory(name="ベビーマッサージ講座", min_age_months=0, max_age_months=24)
    starts = timezone.now() + dt.timedelta(days=3)
    return booking_services.session_create(
        service=service,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=5,
        by=None,
        opens_at=timezone.now() - dt.timedelta(days=1),
    )


@pytest.fixture
def referral(case, course):
    return ReferralFactory(case=case, service=course.service)


@pytest.fixture
def child_of_parent(parent):
    return booking_services.child_create(
        parent=parent, nickname="はると", birth_date=timezone.localdate() - dt.timedelta(days=200)
    )


def _consent(case, parent):
    case.parent_account, case.booking_consent_on = parent, timezone.localdate()
    case.save()


def test_booking_for_the_family_with_consent(
    client, specialist, case, referral, course, parent, child_of_parent, django_capture_on_commit_callbacks
):
    _consent(case, parent)
    client.force_login(specialist)
    url = reverse("consultations:referral_book", args=[referral.pk])
    assert "ベビーマッサージ講座" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"session": course.pk, "child": child_of_parent.pk})
    assert response.status_code == 302
    referral.refresh_from_db()
    booking = referral.booking
    assert (
        booking.parent == parent
        and booking.child == child_of_parent
        and booking.status == Booking.Status.CONFIRMED
    )
    assert booking.booked_by == specialist  # so the specialist hears if the session is cancelled
    assert AuditEntry.objects.about(case).filter(detail__startswith="代理予約:").exists()
    Booking.objects.filter(pk=booking.pk).update(attended=True)  # the hub marks attendance on the day
    body = client.get(reverse("consultations:case_detail", args=[case.pk])).content.decode()
    assert "出席" in body
    assert any(parent.email in m.to for m in mail.outbox)  # the parent's usual confirmation


def test_no_booking_without_consent(client, specialist, case, referral, course, parent, child_of_parent):
    case.parent_account = parent
    case.save()
    client.force_login(specialist)
    response = client.post(
        reverse("consultations:referral_book", args=[referral.pk]),
        {"session": course.pk, "child": child_of_parent.pk},
    )
    assert response.status_code == 302 and response.url == reverse("consultations:case_edit", args=[case.pk])
    assert not Booking.objects.exists()


def test_another_parents_child_cannot_be_booked(
    client, specialist, case, referral, course, parent, other_parent
):
    _consent(case, parent)
    strangers_child = booking_services.child_create(
        parent=other_parent, nickname="よそ", birth_date=dt.date(2026, 1, 1)
    )
    client.force_login(specialist)
    response = client.post(
        reverse("consultations:referral_book", args=[referral.pk]),
        {"session": course.pk, "child": strangers_child.pk},
    )
    assert response.status_code == 200 and response.context["form"].errors["child"]
    assert not Booking.objects.exists()


def test_another_sites_referral_is_404(client, other_specialist, referral):
    client.force_login(other_specialist)
    assert client.get(reverse("consultations:referral_book", args=[referral.pk])).status_code == 404


def test_only_children_and_sessions_that_can_be_booked_are_listed(
    client, specialist, case, referral, course, parent, child_of_parent
):
    _consent(case, parent)
    too_old = booking_services.child_create(
        parent=parent, nickname="おにいちゃん", birth_date=timezone.localdate() - dt.timedelta(days=365 * 5)
    )
    starts = timezone.now() + dt.timedelta(days=10)
    not_open_yet = booking_services.session_create(
        service=course.service,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=5,
        by=None,
        opens_at=timezone.now() + dt.timedelta(days=2),
    )
    client.force_login(specialist)
    form = client.get(reverse("consultations:referral_book", args=[referral.pk])).context["form"]
    assert list(form.fields["child"].queryset) == [child_of_parent]
    assert too_old not in form.fields["child"].queryset
    assert list(form.fields["session"].queryset) == [course]
    assert not_open_yet not in form.fields["session"].queryset


def test_the_parents_own_booking_is_never_recorded_as_one_made_for_them(
    client, specialist, case, referral, course, parent, child_of_parent
):
    _consent(case, parent)
    own = booking_services.booking_create(session=course, parent=parent, child=child_of_parent)
    client.force_login(specialist)
    url = reverse("consultations:referral_book", args=[referral.pk])
    assert child_of_parent not in client.get(url).context["form"].fields["child"].queryset
    from consultations import services
    from consultations.services import Origin

    with pytest.raises(ValidationError, match="すでに予約しています"):
        services.referral_book(
            referral=referral, session=course, child=child_of_parent, by=specialist, origin=Origin()
        )
    referral.refresh_from_db()
    assert referral.booking is None and Booking.objects.get() == own
    assert not AuditEntry.objects.about(case).filter(detail__startswith="代理予約:").exists()


def test_booking_twice_for_the_same_referral_keeps_one_booking(
    specialist, case, referral, course, parent, child_of_parent
):
    from consultations import services
    from consultations.services import Origin

    _consent(case, parent)
    first = services.referral_book(
        referral=referral, session=course, child=child_of_parent, by=specialist, origin=Origin()
    )
    again = services.referral_book(
        referral=referral, session=course, child=child_of_parent, by=specialist, origin=Origin()
    )
    assert again.pk == first.pk and Booking.objects.count() == 1


def test_only_children_who_may_book_are_offered(
    client, specialist, case, referral, course, parent, child_of_parent
):
    _consent(case, parent)
    booking_services.child_create(parent=parent, nickname="おねえちゃん", birth_date=dt.date(2020, 4, 1))
    client.force_login(specialist)
    form = client.get(reverse("consultations:referral_book", args=[referral.pk])).context["form"]
    assert list(form.fields["child"].queryset) == [child_of_parent]  # the 0–2 course: not the 6-year-old
    assert list(form.fields["session"].queryset) == [course]
