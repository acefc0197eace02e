"""The seed's table, rule by rule, each at its boundary (hubs/rules.py, Hub.clean)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from facilities.models import WeeklyHours
from hubs import rules
from hubs.models import Hub, HubStaffMember
from hubs.rules import COLLABORATIVE, GENERAL, Period, PopupDay
from tests.hubs.factories import HubFactory

T = dt.time
TEN, THREE_PM = dt.time(10), dt.time(15)


def week(days: int, opens: dt.time = TEN, closes: dt.time = THREE_PM) -> list[Period]:
    return [Period(d, opens, closes) for d in range(days)]


def codes(errors) -> set[str]:
    return {e.code for e in errors}


def check(
    hub_type=GENERAL,
    place="vacant_shop",
    addons=(),
    user_support=False,
    permanent=True,
    periods=None,
    q=2,
    f=0,
):
    return codes(
        rules.hub_errors(
            hub_type=hub_type,
            place_kind=place,
            addons=addons,
            operator_runs_user_support=user_support,
            has_permanent_site=permanent,
            periods=week(5) if periods is None else periods,
            qualified_staff=q,
            facility_staff=f,
        )
    )


# --- 開設時間: 一般型 5時間以上 / 連携型 3時間以上 ---
def test_general_hub_needs_five_hours_every_open_day_4h59_refused_5h00_accepted():
    assert "daily_hours" in check(periods=week(5, T(10), T(14, 59)))
    assert "daily_hours" not in check(periods=week(5, T(10), T(15)))


def test_one_short_day_is_enough_to_refuse_a_general_hub():
    periods = week(4, T(10), T(15)) + [Period(4, T(10), T(14, 59))]
    errors = rules.daily_hours_errors(GENERAL, periods)
    assert codes(errors) == {"daily_hours"}
    assert "金曜日" in errors[0].messages[0] and "5時間以上" in errors[0].messages[0]


def test_collaborative_hub_needs_three_hours_2h59_refused_3h00_accepted():
    base = {"hub_type": COLLABORATIVE, "place": "child_welfare", "q": 1, "f": 1}
    assert "daily_hours" in check(**base, periods=week(3, T(10), T(12, 59)))
    assert "daily_hours" not in check(**base, periods=week(3, T(10), T(13)))


def test_periods_of_one_day_add_up_to_the_daily_hours():
    split_day = [Period(d, T(9), T(12)) for d in range(3)] + [Period(d, T(13), T(15)) for d in range(3)]
    assert "daily_hours" not in check(periods=split_day)


# --- 開設日数: 週3日以上, bands ---
def test_two_open_days_refused_three_accepted_for_both_types():
    assert "open_days" in check(periods=week(2))
    assert "open_days" not in check(periods=week(3))
    collaborative = {"hub_type": COLLABORATIVE, "place": "child_welfare", "q": 1, "f": 1}
    assert "open_days" in check(**collaborative, periods=week(2))
    assert "open_days" not in check(**collaborative, periods=week(3))


@pytest.mark.parametrize(
    ("hub_type", "days", "band"),
    [
        (GENERAL, 2, None),
        (GENERAL, 3, "3-4"),
        (GENERAL, 4, "3-4"),
        (GENERAL, 5, "5"),
        (GENERAL, 6, "6-7"),
        (GENERAL, 7, "6-7"),
        (COLLABORATIVE, 4, "3-4"),
        (COLLABORATIVE, 5, "5-7"),
        (COLLABORATIVE, 7, "5-7"),
    ],
)
def test_open_days_band_follows_the_seed(hub_type, days, band):
    assert rules.open_days_band(hub_type, days) == band


# --- 開設時間の入力 ---
def test_close_before_open_refused_and_close_at_open_too():
    assert "close_before_open" in check(periods=[*week(5), Period(5, T(15), T(10))])
    assert "close_before_open" in check(periods=[*week(5), Period(5, T(10), T(10))])


def test_overlapping_periods_refused_touching_periods_accepted():
    overlapping = [*week(5, T(10), T(15)), Period(0, T(14, 59), T(16))]
    touching = [*week(5, T(10), T(15)), Period(0, T(15), T(16))]
    assert "overlapping_hours" in check(periods=overlapping)
    assert "overlapping_hours" not in check(periods=touching)


# --- 従事者 ---
def test_general_hub_needs_two_qualified_staff():
    assert "qualified_staff" in check(q=1)
    assert "qualified_staff" not in check(q=2)


def test_collaborative_hub_needs_one_qualified_and_facility_staff_helping():
    base = {"hub_type": COLLABORATIVE, "place": "child_welfare", "periods": week(3)}
    assert "qualified_staff" in check(**base, q=0, f=1)
    assert "facility_staff" in check(**base, q=1, f=0)
    assert check(**base, q=1, f=1) == set()


# --- 実施場所 ---
@pytest.mark.parametrize(
    "place", ["nursery", "public_space", "vacant_shop", "private_house", "apartment", "other"]
)
def test_general_hub_places(place):
    assert "place_kind" not in check(place=place)
    assert "place_kind" in check(hub_type=COLLABORATIVE, place=place, q=1, f=1)


def test_collaborative_hub_is_in_a_child_welfare_facility():
    assert "place_kind" in check(place="child_welfare")
    assert "place_kind" not in check(hub_type=COLLABORATIVE, place="child_welfare", q=1, f=1)


# --- 加算 ---
@pytest.mark.parametrize("addon", ["addon_hub_base", "addon_popup", "addon_community_support"])
def test_general_only_addons_refused_for_collaborative(addon):
    assert f"{addon}_type" not in check(addons=[addon])
    assert f"{addon}_type" in check(hub_type=COLLABORATIVE, place="child_welfare", q=1, f=1, addons=[addon])


def test_community_capacity_addon_only_for_collaborative():
    assert "addon_community_capacity_type" in check(addons=["addon_community_capacity"])
    assert (
        check(hub_type=COLLABORATIVE, place="child_welfare", q=1, f=1, addons=["addon_community_capacity"])
        == set()
    )


def test_community_support_refused_when_operator_runs_user_support():
    assert "community_support_with_user_support" in check(
        addons=["addon_community_support"], user_support=True
    )
    assert check(addons=["addon_community_support"], user_support=False) == set()
    assert check(addons=["addon_popup"], user_support=True) == set()


def test_popup_addon_needs_a_permanent_site():
    assert "popup_needs_permanent_site" in check(addons=["addon_popup"], permanent=False)
    assert "popup_needs_permanent_site" not in check(addons=["addon_popup"], permanent=True)


def test_every_message_names_its_rule():
    errors = rules.hub_errors(
        hub_type=GENERAL,
        place_kind="child_welfare",
        addons=["addon_community_capacity"],
        operator_runs_user_support=False,
        has_permanent_site=True,
        periods=week(2, T(10), T(12)),
        qualified_staff=1,
        facility_staff=0,
    )
    messages = [m for e in errors for m in e.messages]
    assert any(m.startswith("従事者の要件（一般型）") for m in messages)
    assert any(m.startswith("実施場所の要件（一般型）") for m in messages)
    assert any(m.startswith("開設日数の要件") for m in messages)
    assert any(m.startswith("開設時間の要件（一般型は1日5時間以上）") for m in messages)
    assert any(m.startswith("加算の要件") for m in messages)


# --- 出張ひろば: 週1～2回, 1日5時間以上 ---
MON = dt.date(2026, 6, 1)


def popup(days, opens=TEN, closes=THREE_PM, hub_type=GENERAL, addon=True):
    return codes(
        rules.popup_errors(
            hub_type=hub_type, hub_has_popup_addon=addon, days=[PopupDay(d, opens, closes) for d in days]
        )
    )


def test_popup_two_days_a_week_accepted_three_refused():
    assert popup([MON, MON + dt.timedelta(days=3)]) == set()
    assert "popup_per_week" in popup([MON, MON + dt.timedelta(days=2), MON + dt.timedelta(days=4)])


def test_popup_once_a_week_needs_every_week_covered():
    weekly = [MON + dt.timedelta(weeks=w) for w in range(3)]
    assert popup(weekly) == set()
    assert "popup_weekly_gap" in popup([MON, MON + dt.timedelta(weeks=2)])


def test_popup_five_hours_a_day_4h59_refused_5h00_accepted():
    assert "popup_hours" in popup([MON], T(10), T(14, 59))
    assert popup([MON], T(10), T(15)) == set()


def test_popup_only_for_general_hubs_with_the_addon():
    assert "popup_addon" in popup([MON], addon=False)
    assert "popup_addon" in popup([MON], hub_type=COLLABORATIVE)


def test_popup_close_before_open_and_duplicate_dates_refused():
    assert "close_before_open" in popup([MON], T(15), T(10))
    assert "popup_duplicate_date" in popup([MON, MON])


# --- the model applies the same rules (admin, imports) ---
@pytest.mark.django_db
def test_hub_clean_uses_the_stored_schedule_and_staff():
    hub = HubFactory()
    hub.full_clean()
    WeeklyHours.objects.filter(service=hub.service, weekday__gte=2).delete()
    with pytest.raises(ValidationError) as refused:
        Hub.objects.get(pk=hub.pk).full_clean()
    assert "開設日数の要件" in str(refused.value)


@pytest.mark.django_db
def test_derived_values_come_from_the_schedule():
    hub = HubFactory(hours=range(6))
    assert hub.open_days_per_week == 6
    assert hub.open_days_band == "6-7"
    assert hub.get_open_days_band_display() == "週6～7日"
    assert hub.shortest_open_day_hours == dt.timedelta(hours=6)
    assert hub.staff_counts() == (2, 0)
    HubStaffMember.objects.create(hub=hub, name="施設職員", kind=HubStaffMember.Kind.FACILITY)
    assert hub.staff_counts() == (2, 1)
