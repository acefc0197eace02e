"""出張ひろば: registered per hub, checked per hub and week across all its dates (numbers from the rules
table), listed in the directory; hub staff add, change and withdraw their dates, booked parents are told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from facilities.bookings.models import Booking, Session
from facilities.models import Service, SpecialHours
from hubs import rules, services
from hubs.models import Hub, PopupPlaza
from hubs.rules import PopupDay
from tests.bookings.factories import BookingFactory, SessionFactory
from tests.conftest import make_user
from tests.hubs.factories import HubFactory, LocationFactory, link_staff

pytestmark = pytest.mark.django_db

RULES = rules.in_force()
FEWEST, MOST = RULES.popup_per_week
TODAY = timezone.localdate()
NEXT_TUESDAY = TODAY - dt.timedelta(days=TODAY.weekday()) + dt.timedelta(weeks=1, days=1)
TEN = dt.time(10)
LONG_ENOUGH = (dt.datetime.combine(TODAY, TEN) + RULES.popup_min_hours).time()
TOO_SHORT = (dt.datetime.combine(TODAY, TEN) + RULES.popup_min_hours - dt.timedelta(minutes=1)).time()


def weekly(count: int, start: dt.date = NEXT_TUESDAY) -> list[dt.date]:
    return [start + dt.timedelta(weeks=w) for w in range(count)]


def post(client, hub, dates, opens=TEN, closes=LONG_ENOUGH, location=None):
    data = {
        "location": (location or LocationFactory()).pk,
        "dates": "\n".join(f"{d:%Y-%m-%d}" for d in dates),
        "opens_at": f"{opens:%H:%M}",
        "closes_at": f"{closes:%H:%M}",
    }
    return client.post(reverse("hubs:popup_add", args=[hub.pk]), data)


def make_popup(hub, dates, by) -> PopupPlaza:
    return services.popup_create(
        by=by, hub=hub, location=LocationFactory(), days=[PopupDay(d, TEN, LONG_ENOUGH) for d in dates]
    )


def test_popup_dates_become_directory_dates_shown_when_the_hub_is_approved(city_client, city_staff):
    hub = HubFactory(addon_popup=True, status=Hub.Status.UNDER_REVIEW)
    dates = weekly(3)
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
    ("dates", "closes", "code"),
    [
        ([NEXT_TUESDAY], TOO_SHORT, "popup_hours"),
        ([NEXT_TUESDAY + dt.timedelta(days=i) for i in range(MOST + 1)], LONG_ENOUGH, "popup_per_week"),
        ([NEXT_TUESDAY, NEXT_TUESDAY + dt.timedelta(weeks=2)], LONG_ENOUGH, "popup_weekly_gap"),
        ([NEXT_TUESDAY], dt.time(9), "close_before_open"),
        ([TODAY - dt.timedelta(days=1)], LONG_ENOUGH, "popup_past_date"),
        ([TODAY + dt.timedelta(days=400)], LONG_ENOUGH, "popup_too_far"),
    ],
)
def test_bad_popup_schedules_are_refused_and_nothing_saved(city_client, city_staff, dates, closes, code):
    hub = HubFactory(addon_popup=True)
    services_before = Service.objects.count()
    with pytest.raises(ValidationError) as refused:
        make_popup_days = [PopupDay(d, TEN, closes) for d in dates]
        services.popup_create(by=city_staff, hub=hub, location=LocationFactory(), days=make_popup_days)
    assert code in {e.code for e in refused.value.error_list}
    response = post(city_client, hub, dates, closes=closes)
    assert response.status_code == 400 and "何も保存していません" in response.content.decode()
    assert refused.value.messages[0] in response.content.decode()
    assert Service.objects.count() == services_before and not PopupPlaza.objects.exists()


def test_a_week_is_counted_across_all_the_hubs_popups(city_staff, city_client):
    """Separate registrations (two places) cannot together give one week more than the rule allows."""
    hub = HubFactory(addon_popup=True)
    week = [NEXT_TUESDAY + dt.timedelta(days=i) for i in range(MOST)]
    make_popup(hub, week, city_staff)
    response = post(city_client, hub, [NEXT_TUESDAY + dt.timedelta(days=MOST)])
    assert response.status_code == 400
    assert f"週{FEWEST}～{MOST}回まで" in response.content.decode()
    assert PopupPlaza.objects.filter(hub=hub).count() == 1
    other_hub = HubFactory(addon_popup=True)  # another hub's week is its own
    assert post(city_client, other_hub, [NEXT_TUESDAY]).status_code == 302


def test_a_hub_without_the_popup_addon_cannot_open_one(city_client):
    hub = HubFactory(addon_popup=False)
    response = post(city_client, hub, [NEXT_TUESDAY])
    assert response.status_code == 400 and "出張ひろばの要件" in response.content.decode()


def test_an_unreadable_date_is_a_clear_message_and_the_text_is_kept(city_client):
    hub = HubFactory(addon_popup=True)
    response = city_client.post(
        reverse("hubs:popup_add", args=[hub.pk]),
        {"location": LocationFactory().pk, "dates": "6月2日", "opens_at": "10:00", "closes_at": "15:00"},
    )
    body = response.content.decode()
    assert response.status_code == 400 and "日付として読めません" in body and "6月2日</textarea>" in body


def test_popup_model_clean_applies_the_same_rules(city_staff):
    hub = HubFactory(addon_popup=True)
    popup = make_popup(hub, [NEXT_TUESDAY], city_staff)
    popup.full_clean()
    SpecialHours.objects.bulk_create(
        SpecialHours(
            service=popup.service,
            date=NEXT_TUESDAY + dt.timedelta(days=i),
            opens_at=TEN,
            closes_at=LONG_ENOUGH,
        )
        for i in range(1, MOST + 1)
    )
    with pytest.raises(ValidationError, match=f"週{FEWEST}～{MOST}回まで"):
        PopupPlaza.objects.get(pk=popup.pk).full_clean()


# --- hub staff keep their own dates ---
def test_hub_staff_add_a_popup_and_dates_to_their_own_hub(client, hub_staff):
    hub = HubFactory(addon_popup=True)
    link_staff(hub_staff, hub)
    client.force_login(hub_staff)
    assert post(client, hub, weekly(1)).status_code == 302
    popup = PopupPlaza.objects.get(hub=hub)
    response = client.post(
        reverse("hubs:popup_dates_add", args=[popup.pk]),
        {
            "dates": f"{NEXT_TUESDAY + dt.timedelta(weeks=1):%Y-%m-%d}",
            "opens_at": "10:00",
            "closes_at": f"{LONG_ENOUGH:%H:%M}",
        },
    )
    assert response.status_code == 302
    assert popup.service.special_hours.count() == 2


def test_hub_staff_of_another_hub_get_404(client, city_staff):
    hub = HubFactory(addon_popup=True)
    popup = make_popup(hub, [NEXT_TUESDAY], city_staff)
    outsider = make_user("other-hub@example.jp", "hub_staff")
    link_staff(outsider, HubFactory())
    client.force_login(outsider)
    day = popup.service.special_hours.get()
    assert client.get(reverse("hubs:popup_add", args=[hub.pk])).status_code == 404
    assert client.get(reverse("hubs:popup_dates_add", args=[popup.pk])).status_code == 404
    assert (
        client.post(
            reverse("hubs:popup_date", args=[day.pk]), {"action": "withdraw", "withdraw-reason": "x"}
        ).status_code
        == 404
    )
    assert SpecialHours.objects.filter(pk=day.pk).exists()


def _booked(popup: PopupPlaza, date: dt.date) -> Booking:
    starts = timezone.make_aware(dt.datetime.combine(date, TEN))
    session = SessionFactory(service=popup.service, starts_at=starts)
    return BookingFactory(session=session)


def test_withdrawing_a_date_cancels_its_sessions_and_tells_the_booked_parents(
    client, hub_staff, city_staff, django_capture_on_commit_callbacks
):
    hub = HubFactory(addon_popup=True)
    link_staff(hub_staff, hub)
    popup = make_popup(hub, weekly(2), city_staff)
    booking = _booked(popup, NEXT_TUESDAY)
    day = popup.service.special_hours.get(date=NEXT_TUESDAY)
    client.force_login(hub_staff)
    url = reverse("hubs:popup_date", args=[day.pk])

    refused = client.post(url, {"action": "withdraw", "withdraw-reason": ""})
    assert refused.status_code == 400 and SpecialHours.objects.filter(pk=day.pk).exists()

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "withdraw", "withdraw-reason": "会場の工事のため"})
    assert response.status_code == 302
    assert not SpecialHours.objects.filter(pk=day.pk).exists()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert (
        booking.session.status == Session.Status.CANCELLED
        and booking.session.cancel_reason == "会場の工事のため"
    )
    assert [m.to for m in mail.outbox] == [[booking.parent.email]]


def test_moving_a_date_is_checked_with_the_hubs_other_dates_and_tells_the_booked_parents(
    client, hub_staff, city_staff
):
    hub = HubFactory(addon_popup=True)
    link_staff(hub_staff, hub)
    popup = make_popup(hub, weekly(2), city_staff)
    booking = _booked(popup, NEXT_TUESDAY)
    day = popup.service.special_hours.get(date=NEXT_TUESDAY)
    client.force_login(hub_staff)
    url = reverse("hubs:popup_date", args=[day.pk])
    change = {
        "action": "change",
        "change-opens_at": "10:00",
        "change-closes_at": f"{LONG_ENOUGH:%H:%M}",
        "change-reason": "会場の都合",
    }

    gap = client.post(url, change | {"change-date": f"{NEXT_TUESDAY + dt.timedelta(weeks=3):%Y-%m-%d}"})
    assert gap.status_code == 400 and "開設日が足りません" in gap.content.decode()
    twice = client.post(url, change | {"change-date": f"{NEXT_TUESDAY + dt.timedelta(weeks=1):%Y-%m-%d}"})
    assert twice.status_code == 400
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED  # a refused change tells nobody anything

    moved = NEXT_TUESDAY + dt.timedelta(days=1)
    assert client.post(url, change | {"change-date": f"{moved:%Y-%m-%d}"}).status_code == 302
    day.refresh_from_db()
    booking.refresh_from_db()
    assert day.date == moved and booking.status == Booking.Status.CANCELLED


def test_a_past_date_cannot_be_changed_or_withdrawn(client, hub_staff):
    hub = HubFactory(addon_popup=True)
    link_staff(hub_staff, hub)
    popup = PopupPlaza.objects.create(hub=hub, service=HubFactory().service)
    past = SpecialHours.objects.create(
        service=popup.service, date=TODAY - dt.timedelta(days=1), opens_at=TEN, closes_at=LONG_ENOUGH
    )
    client.force_login(hub_staff)
    response = client.post(
        reverse("hubs:popup_date", args=[past.pk]), {"action": "withdraw", "withdraw-reason": "x"}
    )
    assert response.status_code == 404 and SpecialHours.objects.filter(pk=past.pk).exists()


HOSTILE = ["", "x" * 10_000, "a\x00b", "<script>alert(1)</script>", "0001-01-01", "9999-12-31", "-5"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_input_on_the_date_pages_is_a_clear_400_and_changes_nothing(
    client, hub_staff, city_staff, value
):
    hub = HubFactory(addon_popup=True)
    link_staff(hub_staff, hub)
    popup = make_popup(hub, [NEXT_TUESDAY], city_staff)
    day = popup.service.special_hours.get()
    client.force_login(hub_staff)
    add = {"dates": value, "opens_at": value, "closes_at": "15:00"}
    change = {
        "action": "change",
        "change-date": value,
        "change-opens_at": "10:00",
        "change-closes_at": "15:00",
    }
    responses = [
        client.post(reverse("hubs:popup_dates_add", args=[popup.pk]), add),
        client.post(reverse("hubs:popup_date", args=[day.pk]), change | {"change-reason": "理由"}),
        client.post(reverse("hubs:popup_date", args=[day.pk]), {"action": value or "?"}),
    ]
    assert [r.status_code for r in responses] == [400, 400, 400]
    assert "<script>alert(1)" not in "".join(r.content.decode() for r in responses)
    assert list(SpecialHours.objects.filter(service=popup.service).values_list("date", flat=True)) == [
        NEXT_TUESDAY
    ]


@pytest.mark.parametrize("reason", ["", "   ", "a\x00b", "x" * 201])
def test_a_withdrawal_without_a_usable_reason_is_refused(client, hub_staff, city_staff, reason):
    hub = HubFactory(addon_popup=True)
    link_staff(hub_staff, hub)
    day = make_popup(hub, [NEXT_TUESDAY], city_staff).service.special_hours.get()
    client.force_login(hub_staff)
    response = client.post(
        reverse("hubs:popup_date", args=[day.pk]), {"action": "withdraw", "withdraw-reason": reason}
    )
    assert response.status_code == 400 and SpecialHours.objects.filter(pk=day.pk).exists()
