"""Wrong passwords and TOTP codes are throttled per account; colleagues behind the same NAT are not."""

from __future__ import annotations

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from portal.models import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

OFFICE_IP = "203.0.113.7"  # one NAT address for the whole city office


def _office_client() -> Client:
    return Client(REMOTE_ADDR=OFFICE_IP)


def _log_in(client: Client, email: str, password: str = "test-pass-9876"):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def _code(user, *, wrong: bool = False) -> str:
    period = mfa_settings.TOTP_PERIOD
    if period - time.time() % period < 2:
        time.sleep(2)  # never send a code that expires before the server checks it
    value = hotp_value(user.totp_secret, int(time.time()) // period)
    return format_hotp_value((value + 1) % 10**6 if wrong else value)


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_wrong_passwords_lock_that_account_not_its_neighbours(parent, other_parent):
    attacker = _office_client()
    for _ in range(5):
        _log_in(attacker, parent.email, "wrong")
    locked = _log_in(attacker, parent.email)
    assert not _logged_in(attacker)
    assert locked.context["form"].non_field_errors()

    colleague = _office_client()
    _log_in(colleague, other_parent.email)
    assert _logged_in(colleague)


def test_the_per_ip_limit_is_far_above_what_people_type():
    from django.conf import settings

    per_ip, per_key = settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")
    assert per_key == "5/5m/key"
    assert int(per_ip.split("/")[0]) >= 100 and per_ip.endswith("/ip")


def _after_password(user) -> Client:
    client = _office_client()
    response = _log_in(client, user.email)
    assert response.url == reverse("mfa_authenticate")
    return client


def test_wrong_totp_codes_lock_that_account_not_a_colleague():
    target = make_user("target@example.test", Role.SPECIALIST)
    colleague_user = make_user("colleague@example.test", Role.SPECIALIST)
    attacker = _after_password(target)
    for _ in range(5):
        attacker.post(reverse("mfa_authenticate"), {"code": _code(target, wrong=True)})
    response = attacker.post(reverse("mfa_authenticate"), {"code": _code(target)})
    assert not _logged_in(attacker)
    assert response.context["form"].errors

    colleague = _after_password(colleague_user)
    colleague.post(reverse("mfa_authenticate"), {"code": _code(colleague_user)})
    assert _logged_in(colleague)
