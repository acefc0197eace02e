"""Bad input gets a clear page in the user's language and saves nothing; no 500 from it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from facilities.bookings.models import Child
from portal.errors import server_error

pytestmark = pytest.mark.django_db

CHILD = {"nickname": "たろう", "birth_date": (dt.date.today() - dt.timedelta(days=400)).isoformat()}


@pytest.mark.parametrize("target", ["-5", "list", "https://evil.example/", "//evil.example/x"])
def test_a_next_that_is_not_a_page_here_falls_back_and_saves_once(client, parent, target):
    client.force_login(parent)
    response = client.post(reverse("bookings:child_create"), {**CHILD, "next": target})
    assert response.status_code == 302
    assert response.url == reverse("bookings:child_list")
    assert Child.objects.filter(parent=parent).count() == 1


def test_a_next_on_this_site_is_followed(client, parent):
    client.force_login(parent)
    response = client.post(reverse("bookings:child_create"), {**CHILD, "next": "/bookings/mine/"})
    assert response.url == "/bookings/mine/"


def test_a_nul_in_a_form_answers_400_and_saves_nothing(client, parent):
    client.force_login(parent)
    response = client.post(reverse("bookings:child_create"), {**CHILD, "nickname": "たろう\x00"})
    assert response.status_code == 400
    assert "使えない文字" in response.content.decode()
    assert not Child.objects.exists()


def test_a_lone_surrogate_arrives_as_a_replacement_character(client, parent):
    """The test client cannot encode one, so the body is written by hand as a browser could."""
    client.force_login(parent)
    body = f"nickname=%ED%A0%80&birth_date={CHILD['birth_date']}"
    client.post(reverse("bookings:child_create"), body, content_type="application/x-www-form-urlencoded")
    assert set(Child.objects.get(parent=parent).nickname) == {"\ufffd"}


def test_a_nul_in_a_search_answers_400_in_english_for_english_readers(client):
    with translation.override("en"):
        response = client.get(reverse("facilities:search"), {"q": "ひろば\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "cannot be used" in response.content.decode()


def test_audit_log_dates_far_away_are_a_form_error_not_a_500(client, city_staff):
    client.force_login(city_staff)
    for params in ({"date_to": "9999-12-31"}, {"date_from": "0001-01-01"}):
        response = client.get(reverse("consultations:audit_log"), params)
        assert response.status_code == 200
        assert response.context["form"].errors


def test_the_500_page_needs_no_database_and_no_context_processor(settings):
    """Marked as a db test only by the module; the assertion below forbids any query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        response = server_error(request)
    assert response.status_code == 500
    body = response.content.decode()
    assert "システムでエラーが発生しました" in body and 'href="/"' in body
    assert "csrfmiddlewaretoken" not in body  # no form that would fail without a token
    assert len(queries) == 0
