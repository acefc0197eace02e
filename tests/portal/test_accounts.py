"""Sign-up, mandatory email verification, login by email, password reset, logout, rate limits."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import Role, User

pytestmark = pytest.mark.django_db


def test_signup_makes_a_parent_who_must_verify_the_email(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@example.test",
            "display_name": "そら",
            "password1": "sora-to-umi-42",
            "password2": "sora-to-umi-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.test")
    assert user.role == Role.PARENT
    assert user.display_name == "そら"
    assert len(mail.outbox) == 1
    assert "new@example.test" in mail.outbox[0].to
    # Not verified yet: logging in leads to the "verify your email" page, not into the portal.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "new@example.test", "password": "sora-to-umi-42"}
    )
    assert response.url == reverse("account_email_verification_sent")


def test_account_mail_names_the_portal_not_the_host_the_request_came_to(client, parent, settings):
    settings.PORTAL_URL = "https://kosodate.example.jp"
    client.post(reverse("account_reset_password"), {"email": parent.email}, HTTP_HOST="127.0.0.1:8101")
    (message,) = mail.outbox
    assert message.subject.startswith("[みどり市 子育て支援ポータル]")
    assert message.body.startswith("保護者 一郎 様")  # the parent's name, not their address
    assert "127.0.0.1" not in message.subject + message.body.split("http")[0]
    assert "みどり市 子育て支援ポータル\nhttps://kosodate.example.jp/" in message.body


def test_signup_with_mismatched_passwords_keeps_the_email_and_says_why(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "typo@example.test", "password1": "sora-to-umi-42", "password2": "sora-to-umi-43"},
    )
    assert response.status_code == 200
    assert 'value="typo@example.test"' in response.content.decode()
    assert response.context["form"].errors
    assert not User.objects.filter(email="typo@example.test").exists()


def test_verified_parent_logs_in_with_email_and_logs_out(client, parent):
    response = client.post(reverse("account_login"), {"login": parent.email, "password": "test-pass-9876"})
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_login_asks_for_the_second_factor(client, specialist):
    response = client.post(
        reverse("account_login"), {"login": specialist.email, "password": "test-pass-9876"}
    )
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link(client, parent):
    response = client.post(reverse("account_reset_password"), {"email": parent.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_login_pages_are_japanese_by_default(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert "ログイン" in response.content.decode()


def test_failed_logins_are_rate_limited_on_real_redis(client, parent, settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.PortalRedisCache",
            "LOCATION": redis_url,
            # A fresh prefix per run: the counters expire on their own, nothing else in Redis is touched.
            "KEY_PREFIX": f"test-ratelimit-{uuid.uuid4()}",
        }
    }
    for _ in range(5):
        client.post(reverse("account_login"), {"login": parent.email, "password": "wrong"})
    # Past the limit even the right password is refused, with a message, until the window passes.
    response = client.post(reverse("account_login"), {"login": parent.email, "password": "test-pass-9876"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_a_login_error_is_tied_to_its_field_for_screen_readers(client):
    response = client.post(
        reverse("account_signup"), {"email": "not-an-email", "password1": "x", "password2": "x"}
    )
    body = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="id_email_error"' in body
    assert 'id="id_email_error"' in body
