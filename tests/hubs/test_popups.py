"""出張ひろば: registered per hub, validated (週1～2回, 1日5時間以上), listed in the directory for parents."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from facilities.models import Service, SpecialHours
from hubs import services
from hubs.models import Hub, PopupPlaza
from tests.hubs.factories import HubFactory, LocationFactory

pytestmark = pytest.mark.django_db

TUESDAY = dt.date(2026, 6, 2)


def post(client, hub, dates, opens="10:00", closes="15:00", location=None):
    data = {
        "location": (location or LocationFactory()).pk,
        "dates": "\n".join(f"{d:%Y-%m-%d}" for d in dates),
        "opens_at": opens,
        "closes_at": closes,
    }
    return client.post(reverse("hubs:popup_add", args=[hub.pk]), data)


def test_popup_dates_become_directory_dates_shown_when_the_hub_is_approved(city_client, city_staff):
    hub = HubFactory(addon_popup=True, status=Hub.Status.UNDER_REVIEW)
    dates = [TUESDAY + dt.timedelta(weeks=w) for w in range(3)]
    assert post(city_client, hub, dates).status_code == 302
    popup = PopupPlaza.objects.get(hub=hub)
    assert popup.service.category.slug == "popup-hub"
    assert list(SpecialHours.objects.filter(service=popup.service).values_list("date", flat=True)) == dates
    assert not Service.objects.visible_to_parents().filter(pk=popup.service_id).exists()

    services.hub_transition(by=city_staff, hub=hub, to_status=Hub.Status.APPROVED)
    assert Service.objects.visible_to_parents().filter(pk=popup.service_id).exists()
    services.hub_transition(by=city_staff, hub=hub, to_status=Hub.Status.SUSPENDED, reason="休止")
    assert not Service.objects.visible_to_parents().filter(pk=popup.service_id).exists()


@pytest.mark.parametrize(
    ("dates", "opens", "closes", "message"),
    [
        ([TUESDAY], "10:00", "14:59", "1日5時間以上"),
        (
            [TUESDAY, TUESDAY + dt.timedelta(days=1), TUESDAY + dt.timedelta(days=2)],
            "10:00",
            "15:00",
            "週1～2回まで",
        ),
        ([TUESDAY, TUESDAY + dt.timedelta(weeks=2)], "10:00", "15:00", "開設日がありません"),
        ([TUESDAY], "15:00", "10:00", "終了時刻が開始時刻より前"),
    ],
)
def test_bad_popup_schedules_are_refused_and_nothing_saved(city_client, dates, opens, closes, message):
    hub = HubFactory(addon_popup=True)
    services_before = Service.objects.count()
    response = post(city_client, hub, dates, opens, closes)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Service.objects.count() == services_before and not PopupPlaza.objects.exists()


def test_a_hub_without_the_popup_addon_cannot_open_one(city_client):
    hub = HubFactory(addon_popup=False)
    response = post(city_client, hub, [TUESDAY])
    assert response.status_code == 400 and "出張ひろばの要件" in response.content.decode()


def test_an_unreadable_date_is_a_clear_message(city_client):
    hub = HubFactory(addon_popup=True)
    response = city_client.post(
        reverse("hubs:popup_add", args=[hub.pk]),
        {"location": LocationFactory().pk, "dates": "6月2日", "opens_at": "10:00", "closes_at": "15:00"},
    )
    assert response.status_code == 400 and "日付として読めません" in response.content.decode()


def test_popup_model_clean_applies_the_same_rules(city_staff):
    from django.core.exceptions import ValidationError

    from hubs.rules import PopupDay

    hub = HubFactory(addon_popup=True)
    popup = services.popup_create(
        by=city_staff, hub=hub, location=LocationFactory(), days=[PopupDay(TUESDAY, dt.time(10), dt.time(15))]
    )
    popup.full_clean()
    SpecialHours.objects.create(
        service=popup.service,
        date=TUESDAY + dt.timedelta(days=1),
        opens_at=dt.time(10),
        closes_at=dt.time(15),
    )
    SpecialHours.objects.create(
        service=popup.service,
        date=TUESDAY + dt.timedelta(days=2),
        opens_at=dt.time(10),
        closes_at=dt.time(15),
    )
    with pytest.raises(ValidationError, match="週1～2回まで"):
        PopupPlaza.objects.get(pk=popup.pk).full_clean()
