"""The account page (name, mail language, reminders), deleting an account, and sign-up that returns
the person to where they were."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations.models import ConsultationRequest
from facilities.bookings.models import Booking, Child
from facilities.bookings.notices import due_notices
from portal.models import User
from portal.services import account_delete
from tests.bookings.factories import BookingFactory, ChildFactory, SessionFactory, in_days
from tests.consultations.factories import SiteFactory

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("portal:account")
DELETE = reverse("portal:account_delete")


def test_the_account_page_needs_a_login(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_a_parent_sets_name_mail_language_and_turns_reminders_off(client, parent):
    client.force_login(parent)
    response = client.post(ACCOUNT, {"display_name": " そらママ ", "language": "en"})
    assert response.status_code == 302
    parent.refresh_from_db()
    assert (parent.display_name, parent.language, parent.reminder_mails) == ("そらママ", "en", False)


def test_an_empty_name_is_refused_and_the_form_keeps_what_was_typed(client, parent):
    client.force_login(parent)
    response = client.post(ACCOUNT, {"display_name": "   ", "language": "xx", "reminder_mails": "on"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"display_name", "language"}
    parent.refresh_from_db()
    assert parent.display_name == "保護者 一郎"


def test_the_header_links_to_the_account_page(client, parent):
    client.force_login(parent)
    assert f'href="{ACCOUNT}"' in client.get("/").content.decode()


def _past_booking(parent, child) -> Booking:
    session = SessionFactory(starts_at=in_days(-3))
    return BookingFactory(session=session, child=child, parent=parent, attended=True)


def test_deleting_an_account_cancels_bookings_and_erases_personal_data(parent, other_parent):
    child = ChildFactory(parent=parent)
    full = SessionFactory(capacity=1)
    seat = BookingFactory(session=full, child=child, parent=parent)
    waiting = BookingFactory(session=full, status=Booking.Status.WAITLISTED)
    # Past the cancel cutoff: a parent could not cancel it, but a deleted account frees it anyway.
    soon = SessionFactory(starts_at=in_days(0, 23), cancel_cutoff=in_days(-1))
    late = BookingFactory(session=soon, child=child, parent=parent)
    past = _past_booking(parent, child)
    ConsultationRequest.objects.create(
        parent=parent, site=SiteFactory(), worry="眠れない", contact_by="online", consent_at=in_days(-1)
    )

    account_delete(user=parent)

    assert not User.objects.filter(pk=parent.pk).exists()
    assert not Child.objects.filter(pk=child.pk).exists()
    assert not ConsultationRequest.objects.exists()
    seat.refresh_from_db(), late.refresh_from_db(), waiting.refresh_from_db(), past.refresh_from_db()
    assert seat.status == late.status == Booking.Status.CANCELLED
    assert waiting.status == Booking.Status.CONFIRMED  # the freed seat went to the waitlist
    # The past visit stays as an anonymous count for the facility.
    assert (past.parent, past.child, past.attended) == (None, None, True)
    assert User.objects.filter(pk=other_parent.pk).exists()


def test_staff_accounts_are_not_deleted_this_way(specialist):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        account_delete(user=specialist)
    assert User.objects.filter(pk=specialist.pk).exists()


def test_the_delete_page_asks_for_the_address_and_then_signs_out(client, parent):
    client.force_login(parent)
    response = client.post(DELETE, {"email": "someone-else@example.test"})
    assert response.status_code == 200
    assert 'value="someone-else@example.test"' in response.content.decode()
    assert User.objects.filter(pk=parent.pk).exists()

    response = client.post(DELETE, {"email": parent.email.upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:home")
    assert not User.objects.filter(email=parent.email).exists()
    assert not response.context["user"].is_authenticated


def test_specialists_cannot_open_the_delete_page(client, specialist):
    client.force_login(specialist)
    assert client.get(DELETE).status_code == 403


def _signup(email: str, **fields: str) -> dict[str, str]:
    # A different address per test: allauth rate-limits confirmation mails per address in the cache.
    return {
        "email": email,
        "display_name": "はるとパパ",
        "password1": "sora-to-umi-42",
        "password2": "sora-to-umi-42",
        **fields,
    }


def _verification_link() -> str:
    [message] = mail.outbox
    return re.search(r"https?://\S+", message.body).group(0)


def test_sign_up_from_a_slot_returns_there_after_verifying_in_the_same_browser(client):
    slot = reverse("bookings:session_detail", args=[SessionFactory().pk])
    client.post(reverse("account_signup"), _signup("same@example.test", next=slot))
    link = _verification_link()
    assert "next=" in link
    response = client.post(link)
    assert response.status_code == 302 and response.url == slot
    assert client.get(slot).context["user"].email == "same@example.test"
    assert User.objects.get(email="same@example.test").display_name == "はるとパパ"


def test_the_verification_link_opened_in_another_browser_still_returns_to_the_slot(client):
    slot = reverse("bookings:session_detail", args=[SessionFactory().pk])
    client.post(reverse("account_signup"), _signup("other@example.test", next=slot))
    other_browser = Client()
    link = _verification_link()
    page = other_browser.get(link).content.decode()
    assert f'name="next" value="{slot}"' in page
    response = other_browser.post(link, {"next": slot})
    assert response.status_code == 302 and response.url == slot


def test_a_next_to_another_site_is_not_carried_into_the_mail(client):
    client.post(reverse("account_signup"), _signup("evil@example.test", next="https://evil.example/"))
    assert "evil.example" not in _verification_link()


def test_sign_up_without_a_name_says_so_and_keeps_the_email(client):
    response = client.post(reverse("account_signup"), _signup("noname@example.test", display_name=""))
    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert 'value="noname@example.test"' in response.content.decode()
    assert not User.objects.filter(email="noname@example.test").exists()


def test_a_parent_who_turned_reminders_off_on_the_account_page_gets_none(client, parent):
    start = timezone.now() + dt.timedelta(hours=20)
    tomorrow = SessionFactory(starts_at=start, ends_at=start + dt.timedelta(hours=1))
    booked = timezone.now() - dt.timedelta(days=3)
    quiet = BookingFactory(
        session=tomorrow, child=ChildFactory(parent=parent), created_at=booked, sent={"confirmation": booked}
    )
    other = BookingFactory(session=tomorrow, created_at=booked, sent={"confirmation": booked})
    client.force_login(parent)
    client.post(ACCOUNT, {"display_name": "保護者 一郎", "language": "ja"})  # the box left unticked
    reminders = [pk for pk, kind in due_notices() if kind == "reminder"]
    assert reminders == [other.pk] and quiet.pk not in reminders
