"""Registering, changing and approving hubs through the pages; the directory follows the hub."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from facilities.models import Organization, Service, WeeklyHours
from hubs import rules
from hubs.models import Hub, HubChangeRequest, HubTransition
from hubs.rules import GENERAL
from tests.conftest import make_user
from tests.consultations.factories import SiteFactory
from tests.hubs.conftest import AreaFactory, hub_form_data
from tests.hubs.factories import HubFactory, link_staff

pytestmark = pytest.mark.django_db


def test_city_staff_register_a_hub_hidden_from_parents_until_approved(city_client, city_staff):
    response = city_client.post(reverse("hubs:register"), hub_form_data())
    hub = Hub.objects.get(service__name="新しいひろば")
    assert response.status_code == 302
    assert hub.status == Hub.Status.APPLIED
    assert hub.service.category.slug == "hub"
    assert hub.open_days_per_week == 5 and hub.staff_counts() == (2, 0)
    assert not Service.objects.visible_to_parents().filter(pk=hub.service_id).exists()
    assert HubTransition.objects.get(hub=hub).by == city_staff

    for status in ("under_review", "approved"):
        city_client.post(reverse("hubs:transition", args=[hub.pk]), {"to_status": status})
    hub.refresh_from_db()
    assert hub.status == Hub.Status.APPROVED
    assert Service.objects.visible_to_parents().filter(pk=hub.service_id).exists()
    assert hub.transitions.count() == 3


def test_registering_with_a_new_operator_and_place_creates_them(city_client):
    data = hub_form_data(**{"op-organization": None, "place-location": None})
    data |= {"op-new_name": "NPO法人あたらしい", "op-new_kind": "npo"}
    data |= {"place-new_name": "空き店舗", "place-new_address": "みどり市1-2", "place-new_area": _area_pk()}
    response = city_client.post(reverse("hubs:register"), data)
    assert response.status_code == 302
    hub = Hub.objects.get()
    assert hub.operator.name == "NPO法人あたらしい" and hub.service.location.name == "空き店舗"


def _area_pk() -> int:
    from tests.hubs.factories import AreaFactory

    return AreaFactory().pk


def test_community_support_refused_when_the_operator_is_registered_as_a_user_support_site(city_client):
    data = hub_form_data(**{"hub-addon_community_support": "on"})
    SiteFactory(service__organization=Organization.objects.get(pk=data["op-organization"]))
    response = city_client.post(reverse("hubs:register"), data)
    assert response.status_code == 400
    assert "利用者支援事業を併せて実施する場合" in response.content.decode()
    assert not Hub.objects.exists()


def test_community_support_granted_when_the_operator_runs_no_user_support_site(city_client):
    response = city_client.post(
        reverse("hubs:register"), hub_form_data(**{"hub-addon_community_support": "on"})
    )
    assert response.status_code == 302
    assert Hub.objects.get().addon_community_support


def test_two_hour_days_refused_with_the_rule_named_and_nothing_saved(city_client):
    data = hub_form_data(hours=[(d, "10:00", "12:00") for d in range(5)])
    services_before, orgs_before = Service.objects.count(), Organization.objects.count()
    data |= {"op-organization": "", "op-new_name": "NPO法人のこらない", "op-new_kind": "npo"}
    response = city_client.post(reverse("hubs:register"), data)
    assert response.status_code == 400
    hours = rules.hours_text(rules.in_force().min_daily_hours[GENERAL])
    assert f"開設時間の要件（一般型は1日{hours}以上）" in response.content.decode()
    assert "何も保存していません" in response.content.decode()
    assert Service.objects.count() == services_before
    assert Organization.objects.count() == orgs_before
    assert not Hub.objects.exists()
    # what was typed is kept
    assert 'value="新しいひろば"' in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"staff": [("職員A", "qualified")]}, "従事者の要件（一般型）"),
        ({"hours": [(d, "10:00", "16:00") for d in range(2)]}, "開設日数の要件"),
        ({"hours": [(0, "16:00", "10:00"), *[(d, "10:00", "16:00") for d in range(1, 4)]]}, "終了時刻"),
        (
            {
                "hours": [
                    (0, "10:00", "16:00"),
                    (0, "15:00", "17:00"),
                    *[(d, "10:00", "16:00") for d in range(1, 4)],
                ]
            },
            "重なって",
        ),
        ({"hub-place_kind": "child_welfare"}, "実施場所の要件（一般型）"),
        ({"hub-addon_community_capacity": "on"}, "地域の子育て力を高める取組"),
        ({"hub-addon_popup": "on", "hub-has_permanent_site": None}, "常設の拠点施設"),
    ],
)
def test_each_rule_refuses_registration(city_client, overrides, message):
    response = city_client.post(reverse("hubs:register"), hub_form_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Hub.objects.exists()


def test_collaborative_hub_with_facility_staff_is_accepted(city_client):
    data = hub_form_data(
        hours=[(d, "10:00", "13:00") for d in range(3)],
        staff=[("職員A", "qualified"), ("施設職員", "facility")],
        **{
            "hub-hub_type": "collaborative",
            "hub-place_kind": "child_welfare",
            "hub-addon_community_capacity": "on",
        },
    )
    assert city_client.post(reverse("hubs:register"), data).status_code == 302
    hub = Hub.objects.get()
    assert hub.open_days_band == "3-4" and hub.hub_type == Hub.Type.COLLABORATIVE


def test_half_filled_schedule_row_is_a_field_error_not_a_500(city_client):
    data = hub_form_data()
    data |= {"hours-TOTAL_FORMS": 6, "hours-5-weekday": "5"}
    response = city_client.post(reverse("hubs:register"), data)
    assert response.status_code == 400
    assert "曜日・開始時刻・終了時刻をすべて入れてください" in response.content.decode()


def test_editing_a_hub_updates_its_directory_entry(city_client):
    hub = HubFactory()
    data = hub_form_data(hours=[(d, "09:00", "15:00") for d in range(6)])
    data |= {
        "service-name": "改名ひろば",
        "op-organization": hub.service.organization_id,
        "place-location": hub.service.location_id,
    }
    assert city_client.post(reverse("hubs:edit", args=[hub.pk]), data).status_code == 302
    hub.refresh_from_db()
    assert hub.service.name == "改名ひろば"
    assert WeeklyHours.objects.filter(service=hub.service).count() == 6
    assert hub.open_days_band == "6-7"
    assert hub.history.count() >= 2


def test_approval_is_refused_when_the_stored_hub_breaks_a_rule(city_client):
    hub = HubFactory(status=Hub.Status.UNDER_REVIEW, staff=[("一人", "qualified")])
    response = city_client.post(reverse("hubs:transition", args=[hub.pk]), {"to_status": "approved"})
    assert response.status_code == 400
    assert "従事者の要件" in response.content.decode()
    hub.refresh_from_db()
    assert hub.status == Hub.Status.UNDER_REVIEW and not hub.service.published


def test_suspending_needs_a_reason_and_hides_the_hub(city_client):
    hub = HubFactory(status=Hub.Status.APPROVED)
    assert (
        city_client.post(reverse("hubs:transition", args=[hub.pk]), {"to_status": "suspended"}).status_code
        == 400
    )
    response = city_client.post(
        reverse("hubs:transition", args=[hub.pk]), {"to_status": "suspended", "reason": "改修工事のため"}
    )
    assert response.status_code == 302
    hub.refresh_from_db()
    assert hub.status == Hub.Status.SUSPENDED and not hub.service.published
    assert hub.transitions.first().reason == "改修工事のため"


def test_skipping_review_is_refused(city_client):
    hub = HubFactory()
    response = city_client.post(reverse("hubs:transition", args=[hub.pk]), {"to_status": "approved"})
    assert response.status_code == 400
    assert Hub.objects.get(pk=hub.pk).status == Hub.Status.APPLIED


# --- hub staff: their own hub only, changes proposed ---
def test_hub_staff_see_their_hub_and_get_404_for_others(staff_client, own_hub):
    other = HubFactory()
    assert staff_client.get(reverse("hubs:detail", args=[own_hub.pk])).status_code == 200
    for name in ("detail", "propose", "report_list"):
        assert staff_client.get(reverse(f"hubs:{name}", args=[other.pk])).status_code == 404
    assert staff_client.get(reverse("hubs:my_hub")).url == reverse("hubs:detail", args=[own_hub.pk])


def test_hub_staff_cannot_edit_or_approve(staff_client, own_hub):
    assert staff_client.get(reverse("hubs:edit", args=[own_hub.pk])).status_code == 403
    assert (
        staff_client.post(
            reverse("hubs:transition", args=[own_hub.pk]), {"to_status": "under_review"}
        ).status_code
        == 403
    )


def test_parents_and_specialists_are_kept_out(client, parent, specialist):
    hub = HubFactory()
    for user in (parent, specialist):
        client.force_login(user)
        assert client.get(reverse("hubs:detail", args=[hub.pk])).status_code == 403
        assert client.get(reverse("hubs:registry")).status_code == 403


def _proposal(hub, hours) -> dict:
    data = {
        "description": "新しい説明",
        "phone": "0120-111-222",
        "email": "",
        "url": "",
        "note": "土曜も開けます",
        "hours-TOTAL_FORMS": len(hours),
        "hours-INITIAL_FORMS": 0,
        "staff-TOTAL_FORMS": 2,
        "staff-INITIAL_FORMS": 0,
        "staff-0-name": "職員A",
        "staff-0-kind": "qualified",
        "staff-1-name": "職員B",
        "staff-1-kind": "qualified",
    }
    for i, (day, opens, closes) in enumerate(hours):
        data |= {f"hours-{i}-weekday": day, f"hours-{i}-opens_at": opens, f"hours-{i}-closes_at": closes}
    return data


def test_hub_staff_propose_a_change_that_city_staff_accept(staff_client, own_hub, city_staff, client):
    response = staff_client.post(
        reverse("hubs:propose", args=[own_hub.pk]),
        _proposal(own_hub, [(d, "10:00", "16:00") for d in range(6)]),
    )
    assert response.status_code == 302
    change = HubChangeRequest.objects.get()
    assert own_hub.service.weekly_hours.count() == 5  # nothing changes before the city accepts

    client.force_login(city_staff)
    client.post(reverse("hubs:change_decide", args=[change.pk]), {"decision": "accept"})
    change.refresh_from_db()
    own_hub.refresh_from_db()
    assert change.status == HubChangeRequest.Status.ACCEPTED
    assert own_hub.open_days_per_week == 6
    assert own_hub.service.phone == "0120-111-222"


def test_a_proposal_breaking_a_rule_is_refused_at_once(staff_client, own_hub):
    minimum = rules.in_force().min_daily_hours[GENERAL]
    short = (dt.datetime(2026, 1, 1, 10) + minimum - dt.timedelta(minutes=1)).time()
    response = staff_client.post(
        reverse("hubs:propose", args=[own_hub.pk]),
        _proposal(own_hub, [(d, "10:00", f"{short:%H:%M}") for d in range(5)]),
    )
    assert response.status_code == 400
    assert f"1日{rules.hours_text(minimum)}以上" in response.content.decode()
    assert not HubChangeRequest.objects.exists()


def test_declining_a_proposal_needs_a_comment(client, city_staff, own_hub, hub_staff):
    change = HubChangeRequest.objects.create(hub=own_hub, proposed_by=hub_staff, data={})
    client.force_login(city_staff)
    assert (
        client.post(reverse("hubs:change_decide", args=[change.pk]), {"decision": "reject"}).status_code
        == 400
    )
    client.post(
        reverse("hubs:change_decide", args=[change.pk]), {"decision": "reject", "comment": "時期を相談"}
    )
    assert HubChangeRequest.objects.get().status == HubChangeRequest.Status.DECLINED


def test_for_user_and_hub_for_staff_scope_hubs(hub_staff, own_hub, city_staff, parent):
    from hubs.selectors import hub_for_staff

    other = HubFactory()
    assert list(Hub.objects.for_user(hub_staff)) == [own_hub]
    assert set(Hub.objects.for_user(city_staff)) == {own_hub, other}
    assert not Hub.objects.for_user(parent).exists()
    assert hub_for_staff(hub_staff) == own_hub
    assert hub_for_staff(make_user("lonely@example.test", "hub_staff")) is None


def test_a_staff_account_must_be_hub_staff(parent):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        link_staff(parent, HubFactory()).full_clean()


def test_registry_pages_have_bounded_queries(city_client, django_assert_max_num_queries):
    for _ in range(5):
        HubFactory()
    with django_assert_max_num_queries(12):
        assert city_client.get(reverse("hubs:registry")).status_code == 200
    hub = Hub.objects.first()
    with django_assert_max_num_queries(25):
        assert city_client.get(reverse("hubs:detail", args=[hub.pk])).status_code == 200


def test_registry_filter_renders_only_the_results_for_htmx(city_client):
    HubFactory()
    response = city_client.get(reverse("hubs:registry"), {"type": "general"}, HTTP_HX_REQUEST="true")
    assert "<h1>" not in response.content.decode() and 'id="results"' in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_admin_lists_and_edits_hubs_but_status_changes_go_through_the_log(city_client):
    hub = HubFactory()
    assert city_client.get(reverse("admin:hubs_hub_changelist")).status_code == 200
    page = city_client.get(reverse("admin:hubs_hub_change", args=[hub.pk]))
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    assert city_client.get(reverse("admin:hubs_hub_add")).status_code == 403


def test_a_change_request_is_reviewed_as_a_diff_with_the_band_change_called_out(
    staff_client, own_hub, client, city_staff
):
    staff_client.post(
        reverse("hubs:propose", args=[own_hub.pk]),
        _proposal(own_hub, [(d, "10:00", "16:00") for d in range(6)]),
    )
    change = HubChangeRequest.objects.get()
    rows = {row.label: row for row in change.diff()}
    assert rows["電話番号"].changed and rows["電話番号"].after == "0120-111-222"
    assert not rows["従事者"].changed  # the same two people
    band = rows["開設日数の区分"]
    assert band.changed and band.is_band
    assert own_hub.get_open_days_band_display() in band.before
    assert dict(rules.band_choices(GENERAL))[rules.open_days_band(GENERAL, 6)] in band.after
    client.force_login(city_staff)
    body = client.get(reverse("hubs:detail", args=[own_hub.pk])).content.decode()
    assert "開設日数の区分が変わります" in body and "<strong>0120-111-222</strong>" in body


def test_a_diff_of_unchanged_hours_calls_out_no_band_change_and_escapes_what_was_typed(
    own_hub, hub_staff, client, city_staff
):
    hours = [[p.weekday, f"{p.opens_at:%H:%M}", f"{p.closes_at:%H:%M}"] for p in own_hub.periods()]
    change = HubChangeRequest.objects.create(
        hub=own_hub, proposed_by=hub_staff, data={"phone": "<script>alert(1)</script>", "hours": hours}
    )
    rows = {row.label: row for row in change.diff()}
    assert not rows["開設時間"].changed and not rows["開設日数の区分"].changed
    assert rows["電話番号"].changed
    client.force_login(city_staff)
    body = client.get(reverse("hubs:detail", args=[own_hub.pk])).content.decode()
    assert "&lt;script&gt;alert(1)" in body and "<script>alert(1)" not in body
    assert "開設日数の区分が変わります" not in body


# --- rows of hours and staff: added and removed without JavaScript ---
def test_add_a_row_shows_the_page_again_as_typed_without_saving_or_errors(city_client):
    data = hub_form_data(hours=[(0, "10:00", "16:00")]) | {"add_hours_row": "1", "service-name": ""}
    response = city_client.post(reverse("hubs:register"), data)
    body = response.content.decode()
    assert response.status_code == 200 and not Hub.objects.exists()
    assert 'name="hours-TOTAL_FORMS" value="2"' in body and 'name="hours-1-weekday"' in body
    assert 'value="16:00"' in body  # what was typed is kept
    assert "error-summary" not in body and "errorlist" not in body  # a row being filled is no error


def test_a_row_ticked_for_removal_is_left_out(city_client):
    data = hub_form_data(hours=[*[(d, "10:00", "16:00") for d in range(5)], (5, "10:00", "11:00")])
    data["hours-5-DELETE"] = "on"  # the short Saturday would break the daily-hours rule
    data["staff-2-name"], data["staff-2-kind"], data["staff-2-DELETE"] = "辞めた人", "qualified", "on"
    data["staff-TOTAL_FORMS"] = 3
    response = city_client.post(reverse("hubs:register"), data)
    assert response.status_code == 302
    hub = Hub.objects.get()
    assert hub.open_days_per_week == 5 and not hub.staff.filter(name="辞めた人").exists()


def test_an_absurd_row_count_is_capped_not_a_500(city_client):
    data = hub_form_data() | {"add_staff_row": "1", "staff-TOTAL_FORMS": "abc"}
    assert city_client.post(reverse("hubs:register"), data).status_code == 200


# --- a new place located by typed coordinates (or a map click, which fills the same inputs) ---
def test_a_new_place_keeps_its_typed_coordinates(city_client):
    data = hub_form_data() | {
        "place-location": "",
        "place-new_name": "みなと公民館",
        "place-new_address": "みどり市港1-2",
        "place-new_area": AreaFactory().pk,
        "place-new_latitude": "35.612345",
        "place-new_longitude": "139.765432",
    }
    assert city_client.post(reverse("hubs:register"), data).status_code == 302
    location = Hub.objects.get().service.location
    assert (str(location.latitude), str(location.longitude)) == ("35.612345", "139.765432")


@pytest.mark.parametrize(
    ("lat", "lng", "message"),
    [
        ("139.76", "35.61", "緯度と経度が逆かもしれません"),  # swapped
        ("35.61", "", "緯度と経度は両方入れてください"),
        ("north", "139.7", "数値を入力してください"),
    ],
)
def test_bad_coordinates_are_refused_and_nothing_saved(city_client, lat, lng, message):
    data = hub_form_data() | {
        "place-location": "",
        "place-new_name": "みなと公民館",
        "place-new_address": "みどり市港1-2",
        "place-new_area": AreaFactory().pk,
        "place-new_latitude": lat,
        "place-new_longitude": lng,
    }
    response = city_client.post(reverse("hubs:register"), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Hub.objects.exists()


def test_the_form_cites_the_document_its_rules_come_from(city_client):
    body = city_client.get(reverse("hubs:register")).content.decode()
    source = rules.in_force().source
    assert source.title in body and source.notice in body


def test_the_forms_default_button_is_its_own_submit_not_add_a_row(city_client):
    """Enter in a text field presses the first submit button: it must register, not add a row."""
    body = city_client.get(reverse("hubs:register")).content.decode()
    form = body[body.index('<form method="post"') :]
    first_button = form[form.index("<button") : form.index("</button>")]
    assert 'type="submit"' in first_button and "name=" not in first_button and "登録する" in first_button
