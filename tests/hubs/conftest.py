from __future__ import annotations

import pytest
from django.utils import translation

from tests.hubs.factories import (
    AreaFactory,
    HubFactory,
    LocationFactory,
    OrganizationFactory,
    ensure_categories,
    link_staff,
)


@pytest.fixture(autouse=True)
def _japanese():
    """The rule messages are asserted in the source language, whatever an earlier test activated."""
    with translation.override("ja"):
        yield


@pytest.fixture
def city_client(client, city_staff):
    client.force_login(city_staff)
    return client


@pytest.fixture
def own_hub(hub_staff):
    """The hub the hub_staff persona works for."""
    hub = HubFactory()
    link_staff(hub_staff, hub)
    return hub


@pytest.fixture
def staff_client(client, hub_staff, own_hub):
    client.force_login(hub_staff)
    return client


def hub_form_data(*, hours=None, staff=None, **overrides) -> dict:
    """POST data of the registration form: a valid 一般型 hub unless overridden."""
    ensure_categories()
    organization = OrganizationFactory()
    location = LocationFactory()
    hours = hours if hours is not None else [(d, "10:00", "16:00") for d in range(5)]
    staff = staff if staff is not None else [("職員A", "qualified"), ("職員B", "qualified")]
    data = {
        "service-name": "新しいひろば",
        "service-name_kana": "アタラシイヒロバ",
        "service-description": "親子の交流の場",
        "service-phone": "0120-000-999",
        "op-organization": organization.pk,
        "place-location": location.pk,
        "hub-hub_type": "general",
        "hub-implementing_body": "みどり市",
        "hub-place_kind": "vacant_shop",
        "hub-has_permanent_site": "on",
        "hours-TOTAL_FORMS": len(hours),
        "hours-INITIAL_FORMS": 0,
        "staff-TOTAL_FORMS": len(staff),
        "staff-INITIAL_FORMS": 0,
    }
    for i, (day, opens, closes) in enumerate(hours):
        data |= {f"hours-{i}-weekday": day, f"hours-{i}-opens_at": opens, f"hours-{i}-closes_at": closes}
    for i, (name, kind) in enumerate(staff):
        data |= {f"staff-{i}-name": name, f"staff-{i}-kind": kind}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


__all__ = ["AreaFactory", "hub_form_data"]
