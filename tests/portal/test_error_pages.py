"""403, 404, 405, CSRF failure (and 400, 500 in test_bad_input) in the portal's layout, both languages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME_LINK = 'href="/"'


def _is_portal_page(response, text: str) -> None:
    body = response.content.decode()
    assert 'class="site-header"' in body
    assert text in body
    assert HOME_LINK in body


def test_404_in_japanese_then_english(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    _is_portal_page(response, "ページが見つかりません")
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    _is_portal_page(response, "Page not found")


def test_403_for_a_parent_on_a_staff_page(client, parent):
    client.force_login(parent)
    response = client.get(reverse("portal:staff_dashboard"))
    assert response.status_code == 403
    _is_portal_page(response, "このページを開く権限がありません")


def test_405_keeps_the_allow_header(client):
    response = client.get(reverse("portal:set_language"))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    _is_portal_page(response, "この操作はできません")


def test_csrf_failure_explains_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("account_login"), {"login": "a@example.test", "password": "x"})
    assert response.status_code == 403
    _is_portal_page(response, "ページの有効期限が切れました")
