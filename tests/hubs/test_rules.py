"""The hub rules, each at its boundary; every number is read from the rules table (hubs/rules.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from facilities.models import WeeklyHours
from hubs import rules
from hubs.models import Hub, HubStaffMember
from hubs.rules import COLLABORATIVE, GENERAL, Period, PopupDay
from tests.hubs.factories import HubFactory

T = dt.time
TEN = dt.time(10)
MINUTE = dt.timedelta(minutes=1)
TODAY = dt.date(2026, 6, 1)  # a Monday under the current edition
RULES = rules.edition_on(TODAY)


def after(start: dt.time, hours: dt.timedelta) -> dt.time:
    return (dt.datetime.combine(TODAY, start) + hours).time()


def week(days: int, opens: dt.time = TEN, closes: dt.time | None = None) -> list[Period]:
    closes = closes or after(opens, RULES.min_daily_hours[GENERAL])
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
    q=None,
    f=None,
):
    return codes(
        rules.hub_errors(
            hub_type=hub_type,
            place_kind=place,
            addons=addons,
            operator_runs_user_support=user_support,
            has_permanent_site=permanent,
            periods=week(RULES.min_open_days) if periods is None else periods,
            qualified_staff=RULES.min_qualified_staff[hub_type] if q is None else q,
            facility_staff=RULES.min_facility_staff[hub_type] if f is None else f,
            on=TODAY,
        )
    )


COLLAB = {"hub_type": COLLABORATIVE, "place": "child_welfare"}


# --- 開設時間: the type's minimum hours on every open day ---
@pytest.mark.parametrize("hub_type", [GENERAL, COLLABORATIVE])
def test_daily_hours_one_minute_short_refused_exact_minimum_accepted(hub_type):
    minimum = RULES.min_daily_hours[hub_type]
    base = COLLAB if hub_type == COLLABORATIVE else {}
    days = RULES.min_open_days
    assert "daily_hours" in check(**base, periods=week(days, TEN, after(TEN, minimum - MINUTE)))
    assert "daily_hours" not in check(**base, periods=week(days, TEN, after(TEN, minimum)))


def test_one_short_day_is_enough_to_refuse_and_the_message_names_day_and_minimum():
    minimum = RULES.min_daily_hours[GENERAL]
    periods = week(RULES.min_open_days) + [Period(6, TEN, after(TEN, minimum - MINUTE))]
    errors = rules.daily_hours_errors(GENERAL, periods, RULES)
    assert codes(errors) == {"daily_hours"}
    assert "日曜日" in errors[0].messages[0] and rules.hours_text(minimum) in errors[0].messages[0]


def test_periods_of_one_day_add_up_to_the_daily_hours():
    half = RULES.min_daily_hours[GENERAL] / 2
    morning = [Period(d, T(9), after(T(9), half)) for d in range(RULES.min_open_days)]
    afternoon = [Period(d, T(13), after(T(13), half)) for d in range(RULES.min_open_days)]
    assert "daily_hours" not in check(periods=morning + afternoon)
    assert "daily_hours" in check(periods=morning)


# --- 開設日数: the lowest band's days at least, bands ---
def test_one_day_fewer_than_the_minimum_refused_the_minimum_accepted_for_both_types():
    fewest = RULES.min_open_days
    assert "open_days" in check(periods=week(fewest - 1))
    assert "open_days" not in check(periods=week(fewest))
    hours = RULES.min_daily_hours[COLLABORATIVE]
    assert "open_days" in check(**COLLAB, periods=week(fewest - 1, TEN, after(TEN, hours)))
    assert "open_days" not in check(**COLLAB, periods=week(fewest, TEN, after(TEN, hours)))


@pytest.mark.parametrize("hub_type", [GENERAL, COLLABORATIVE])
def test_every_number_of_open_days_falls_in_the_band_of_the_table(hub_type):
    bands = RULES.open_day_bands[hub_type]
    assert rules.open_days_band(hub_type, bands[0][0] - 1, RULES) is None
    for low, high in bands:
        for days in range(low, high + 1):
            assert rules.open_days_band(hub_type, days, RULES) == rules.band_key(low, high)


# --- 開設時間の入力 ---
def test_close_before_open_refused_and_close_at_open_too():
    assert "close_before_open" in check(periods=[*week(5), Period(5, T(15), T(10))])
    assert "close_before_open" in check(periods=[*week(5), Period(5, T(10), T(10))])


def test_overlapping_periods_refused_touching_periods_accepted():
    day = week(1)[0]
    overlapping = [*week(5), Period(0, after(day.closes_at, -MINUTE), T(23))]
    touching = [*week(5), Period(0, day.closes_at, T(23))]
    assert "overlapping_hours" in check(periods=overlapping)
    assert "overlapping_hours" not in check(periods=touching)


# --- 従事者 ---
@pytest.mark.parametrize("hub_type", [GENERAL, COLLABORATIVE])
def test_qualified_staff_one_fewer_refused_the_minimum_accepted(hub_type):
    base = COLLAB if hub_type == COLLABORATIVE else {}
    hours = after(TEN, RULES.min_daily_hours[hub_type])
    minimum = RULES.min_qualified_staff[hub_type]
    periods = week(RULES.min_open_days, TEN, hours)
    assert "qualified_staff" in check(**base, periods=periods, q=minimum - 1)
    assert check(**base, periods=periods, q=minimum) == set()


def test_collaborative_hub_needs_facility_staff_helping():
    minimum = RULES.min_facility_staff[COLLABORATIVE]
    periods = week(RULES.min_open_days, TEN, after(TEN, RULES.min_daily_hours[COLLABORATIVE]))
    assert "facility_staff" in check(**COLLAB, periods=periods, f=minimum - 1)
    assert "facility_staff" not in check(**COLLAB, periods=periods, f=minimum)


# --- 実施場所 ---
@pytest.mark.parametrize("place", sorted(rules.PLACE_KINDS[GENERAL]))
def test_general_hub_places(place):
    assert "place_kind" not in check(place=place)
    assert "place_kind" in check(hub_type=COLLABORATIVE, place=place)


def test_collaborative_hub_is_in_a_child_welfare_facility():
    assert "place_kind" in check(place="child_welfare")
    assert "place_kind" not in check(**COLLAB)


# --- 加算 ---
@pytest.mark.parametrize("addon", ["addon_hub_base", "addon_popup", "addon_community_support"])
def test_general_only_addons_refused_for_collaborative(addon):
    assert f"{addon}_type" not in check(addons=[addon])
    assert f"{addon}_type" in check(**COLLAB, addons=[addon])


def test_community_capacity_addon_only_for_collaborative():
    assert "addon_community_capacity_type" in check(addons=["addon_community_capacity"])
    assert "addon_community_capacity_type" not in check(**COLLAB, addons=["addon_community_capacity"])


def test_community_support_refused_when_operator_runs_user_support():
    assert "community_support_with_user_support" in check(
        addons=["addon_community_support"], user_support=True
    )
    assert check(addons=["addon_community_support"], user_support=False) == set()
    assert check(addons=["addon_popup"], user_support=True) == set()


def test_popup_addon_needs_a_permanent_site():
    assert "popup_needs_permanent_site" in check(addons=["addon_popup"], permanent=False)
    assert "popup_needs_permanent_site" not in check(addons=["addon_popup"], permanent=True)


def test_every_message_names_its_rule_and_the_numbers_of_the_table():
    errors = rules.hub_errors(
        hub_type=GENERAL,
        place_kind="child_welfare",
        addons=["addon_community_capacity"],
        operator_runs_user_support=False,
        has_permanent_site=True,
        periods=week(RULES.min_open_days - 1, TEN, T(11)),
        qualified_staff=0,
        facility_staff=0,
        on=TODAY,
    )
    messages = [m for e in errors for m in e.messages]
    qualified = RULES.min_qualified_staff[GENERAL]
    assert any(m.startswith("従事者の要件（一般型）") and f"{qualified}名以上" in m for m in messages)
    assert any(m.startswith("実施場所の要件（一般型）") for m in messages)
    assert any(m.startswith(f"開設日数の要件: 週{RULES.min_open_days}日以上") for m in messages)
    hours = rules.hours_text(RULES.min_daily_hours[GENERAL])
    assert any(m.startswith(f"開設時間の要件（一般型は1日{hours}以上）") for m in messages)
    assert any(m.startswith("加算の要件") for m in messages)


def test_each_rule_knows_the_part_of_the_form_it_is_about():
    errors = rules.hub_errors(
        hub_type=GENERAL,
        place_kind="child_welfare",
        addons=["addon_community_capacity"],
        operator_runs_user_support=False,
        has_permanent_site=True,
        periods=week(RULES.min_open_days - 1),
        qualified_staff=0,
        facility_staff=0,
        on=TODAY,
    )
    sections = {e.code: rules.section_of(e) for e in errors}
    assert sections == {
        "qualified_staff": "staff",
        "place_kind": "hub",
        "open_days": "hours",
        "addon_community_capacity_type": "hub",
    }
    assert rules.section_of(ValidationError("氏名: 必須です", code="field")) == "general"


# --- effective dates: a revision is one more edition ---
REVISED = dataclasses.replace(
    RULES,
    effective_from=TODAY + dt.timedelta(days=30),
    min_daily_hours={
        **RULES.min_daily_hours,
        GENERAL: RULES.min_daily_hours[GENERAL] - dt.timedelta(hours=1),
    },
)


def test_the_edition_in_force_is_the_latest_begun_one(monkeypatch):
    monkeypatch.setattr(rules, "EDITIONS", (RULES, REVISED))
    assert rules.edition_on(REVISED.effective_from - dt.timedelta(days=1)) is RULES
    assert rules.edition_on(REVISED.effective_from) is REVISED
    assert rules.edition_on(dt.date(2000, 1, 1)) is RULES  # nothing older is known
    assert RULES.source.title == "地域子育て支援拠点事業実施要綱"


def test_a_stricter_revision_does_not_fail_what_an_edit_leaves_unchanged(monkeypatch):
    stricter = dataclasses.replace(
        RULES,
        effective_from=TODAY + dt.timedelta(days=30),
        min_daily_hours={**RULES.min_daily_hours, GENERAL: RULES.min_daily_hours[GENERAL] + MINUTE},
    )
    monkeypatch.setattr(rules, "EDITIONS", (RULES, stricter))
    hub = dict(
        hub_type=GENERAL,
        place_kind="vacant_shop",
        addons=(),
        operator_runs_user_support=False,
        has_permanent_site=True,
        periods=week(RULES.min_open_days),  # exactly the old minimum
        qualified_staff=RULES.min_qualified_staff[GENERAL],
        facility_staff=0,
        on=stricter.effective_from,
    )
    approved_before = TODAY
    assert "daily_hours" not in codes(
        rules.hub_errors(**hub, unchanged={"hours", "staff", "hub"}, approved_on=approved_before)
    )
    assert "daily_hours" in codes(
        rules.hub_errors(**hub, unchanged={"staff", "hub"}, approved_on=approved_before)
    )
    assert "daily_hours" in codes(rules.hub_errors(**hub))  # a new registration meets today's rules


# --- 出張ひろば: per hub and week, across all its dates ---
FEWEST, MOST = RULES.popup_per_week
NEXT_MONDAY = TODAY + dt.timedelta(weeks=1)


def popup_day(date: dt.date, hours: dt.timedelta | None = None) -> PopupDay:
    return PopupDay(date, TEN, after(TEN, hours or RULES.popup_min_hours))


def popup(days, kept=(), hub_type=GENERAL, addon=True):
    return codes(
        rules.popup_errors(
            hub_type=hub_type, hub_has_popup_addon=addon, days=days, kept_days=kept, today=TODAY
        )
    )


def in_week(monday: dt.date, count: int) -> list[PopupDay]:
    return [popup_day(monday + dt.timedelta(days=i)) for i in range(count)]


def test_popup_most_dates_a_week_accepted_one_more_refused():
    assert popup(in_week(NEXT_MONDAY, MOST)) == set()
    assert "popup_per_week" in popup(in_week(NEXT_MONDAY, MOST + 1))


def test_popup_week_is_counted_across_separate_registrations():
    """Three registrations of the hub's popups that each look fine gave one week too many dates."""
    kept = in_week(NEXT_MONDAY, MOST)
    extra = [popup_day(NEXT_MONDAY + dt.timedelta(days=MOST))]
    assert "popup_per_week" in popup(extra, kept=kept)
    assert "popup_per_week" not in popup([popup_day(NEXT_MONDAY + dt.timedelta(weeks=1))], kept=kept)


def test_popup_week_between_dates_needs_the_fewest_dates():
    later = NEXT_MONDAY + dt.timedelta(weeks=2)
    assert "popup_weekly_gap" in popup([popup_day(NEXT_MONDAY), popup_day(later)])
    middle = in_week(NEXT_MONDAY + dt.timedelta(weeks=1), FEWEST)
    assert "popup_weekly_gap" not in popup([popup_day(NEXT_MONDAY), *middle, popup_day(later)])


def test_popup_gap_in_a_week_already_begun_does_not_block_the_next_date():
    """A date withdrawn this week leaves the week short; adding next week's date stays possible."""
    last_week_date = popup_day(TODAY - dt.timedelta(days=6))
    assert "popup_weekly_gap" not in popup([popup_day(NEXT_MONDAY)], kept=[last_week_date])


def test_popup_hours_one_minute_short_refused_minimum_accepted():
    assert "popup_hours" in popup([popup_day(NEXT_MONDAY, RULES.popup_min_hours - MINUTE)])
    assert popup([popup_day(NEXT_MONDAY, RULES.popup_min_hours)]) == set()


def test_popup_dates_in_the_past_refused_today_accepted():
    assert "popup_past_date" in popup([popup_day(TODAY - dt.timedelta(days=1))])
    assert "popup_past_date" not in popup([popup_day(TODAY)])


def test_popup_only_for_general_hubs_with_the_addon():
    assert "popup_addon" in popup([popup_day(NEXT_MONDAY)], addon=False)
    assert "popup_addon" in popup([popup_day(NEXT_MONDAY)], hub_type=COLLABORATIVE)


def test_popup_close_before_open_and_a_date_twice_refused():
    assert "close_before_open" in popup([PopupDay(NEXT_MONDAY, T(15), T(10))])
    assert "popup_duplicate_date" in popup([popup_day(NEXT_MONDAY)], kept=[popup_day(NEXT_MONDAY)])


def test_popup_message_shows_the_numbers_of_the_table():
    errors = rules.popup_errors(
        hub_type=GENERAL,
        hub_has_popup_addon=True,
        days=in_week(NEXT_MONDAY, MOST + 1),
        today=TODAY,
    )
    assert f"週{FEWEST}～{MOST}回まで" in errors[0].messages[0]
    assert f"{NEXT_MONDAY:%Y-%m-%d}" in errors[0].messages[0]


def test_help_texts_are_built_from_the_table():
    hours = rules.hours_text(RULES.popup_min_hours)
    assert rules.popup_rule_text(RULES) == f"週{FEWEST}～{MOST}回、1日{hours}以上。"
    assert f"{RULES.min_qualified_staff[GENERAL]}名以上" in rules.staff_rule_text(RULES)
    assert rules.hours_text(dt.timedelta(hours=4, minutes=30)) == "4時間30分"


# --- the model applies the same rules (admin, imports) ---
@pytest.mark.django_db
def test_hub_clean_uses_the_stored_schedule_and_staff():
    hub = HubFactory()
    hub.full_clean()
    WeeklyHours.objects.filter(service=hub.service, weekday__gte=RULES.min_open_days - 1).delete()
    with pytest.raises(ValidationError) as refused:
        Hub.objects.get(pk=hub.pk).full_clean()
    assert "開設日数の要件" in str(refused.value)


@pytest.mark.django_db
def test_derived_values_come_from_the_schedule():
    hub = HubFactory(hours=range(6))
    assert hub.open_days_per_week == 6
    assert hub.open_days_band == rules.open_days_band(GENERAL, 6, rules.in_force())
    assert hub.get_open_days_band_display() == dict(rules.band_choices(GENERAL))[hub.open_days_band]
    assert hub.shortest_open_day_hours == dt.timedelta(hours=6)
    assert hub.staff_counts() == (2, 0)
    HubStaffMember.objects.create(hub=hub, name="施設職員", kind=HubStaffMember.Kind.FACILITY)
    assert hub.staff_counts() == (2, 1)


@pytest.mark.django_db
def test_after_a_stricter_revision_an_unrelated_edit_passes_a_changed_schedule_meets_it(
    monkeypatch, city_staff
):
    from hubs import services
    from hubs.models import HubTransition

    hub = HubFactory()
    HubTransition.objects.create(
        hub=hub,
        from_status=Hub.Status.UNDER_REVIEW,
        to_status=Hub.Status.APPROVED,
        by=city_staff,
        at=timezone.now() - dt.timedelta(days=60),
    )
    Hub.objects.filter(pk=hub.pk).update(status=Hub.Status.APPROVED)
    current = rules.in_force()
    stricter = dataclasses.replace(
        current,
        effective_from=timezone.localdate() - dt.timedelta(days=1),
        min_daily_hours={**current.min_daily_hours, GENERAL: hub.shortest_open_day_hours + MINUTE},
    )
    monkeypatch.setattr(rules, "EDITIONS", (current, stricter))
    hub = Hub.objects.get(pk=hub.pk)
    staff = [(m.name, m.kind) for m in hub.staff.all()]

    hub.service.phone = "0120-111-222"
    services.hub_update(by=city_staff, hub=hub, periods=hub.periods(), staff=staff)  # not refused

    moved = [Period(p.weekday, T(9), T(15)) for p in hub.periods()]  # same length, new hours
    with pytest.raises(ValidationError, match="開設時間の要件"):
        services.hub_update(by=city_staff, hub=Hub.objects.get(pk=hub.pk), periods=moved, staff=staff)

    services.hub_transition(by=city_staff, hub=hub, to_status=Hub.Status.SUSPENDED, reason="改修")
    with pytest.raises(ValidationError, match="開設時間の要件"):  # approval judges the whole record anew
        services.hub_transition(by=city_staff, hub=hub, to_status=Hub.Status.APPROVED)
