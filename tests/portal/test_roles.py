"""Each role reaches only its own pages; staff roles only after setting up a second factor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.models import Role
from tests.conftest import make_user


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login_from_staff_pages(client):
    response = client.get(reverse("portal:staff_dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.django_db
def test_parent_gets_403_on_staff_pages(client, parent):
    client.force_login(parent)
    assert client.get(reverse("portal:staff_dashboard")).status_code == 403


@pytest.mark.parametrize("persona", ["specialist", "hub_staff", "city_staff"])
def test_staff_with_mfa_reach_the_staff_menu(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("portal:staff_dashboard")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.HUB_STAFF, Role.CITY_STAFF])
def test_staff_without_mfa_are_sent_to_mfa_setup_first(client, role):
    user = make_user(f"{role}@nomfa.test", role, mfa=False)
    client.force_login(user)
    response = client.get(reverse("portal:staff_dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    assert "next=" in response.url


def test_admin_is_for_city_staff_only(client, city_staff):
    client.force_login(city_staff)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:facilities_service_changelist")).status_code == 200


@pytest.mark.parametrize("persona", ["parent", "specialist", "hub_staff"])
def test_admin_turns_away_everyone_else(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain, "expected a redirect away from the admin"
    assert reverse("admin:index") not in response.redirect_chain[-1][0]


@pytest.mark.django_db
def test_city_staff_without_mfa_are_sent_from_admin_to_mfa_setup(client):
    client.force_login(make_user("city-nomfa@example.test", Role.CITY_STAFF, mfa=False))
    response = client.get(reverse("admin:index"), follow=True)
    assert any(url.startswith(reverse("mfa_activate_totp")) for url, _ in response.redirect_chain)


@pytest.mark.django_db
def test_anonymous_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_city_staff_may_not_administer_case_records(city_staff):
    assert city_staff.has_perm("facilities.change_service")
    assert not city_staff.has_perm("consultations.view_case")


def test_role_follows_admin_flag(db):
    user = make_user("x@example.test", Role.CITY_STAFF)
    assert user.is_staff
    user.role = Role.PARENT
    user.save()
    assert not user.is_staff
