"""Demo hubs: the directory's four "hub" entries become registered hubs of both types, approved, with
staff lists, a 出張ひろば and reports for past months. Looked up by service name: seeding twice changes
nothing."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from facilities.models import Location, Service, SpecialHours
from hubs import services
from hubs.models import Hub, HubStaffAccount, HubStaffMember, HubTransition, MonthlyReport, PopupPlaza
from hubs.rules import PopupDay
from portal.dates import add_months, first_of_month
from portal.demo import demo_user

Q, F = HubStaffMember.Kind.QUALIFIED, HubStaffMember.Kind.FACILITY

# service name: (type, place kind, add-ons, operator also runs 利用者支援事業, staff)
HUBS = {
    "ひろば なかよし": (
        Hub.Type.GENERAL,
        Hub.PlaceKind.VACANT_SHOP,
        ["addon_popup", "addon_hub_base"],
        [("小川 さくら", Q), ("森 はるか", Q), ("石井 直子", Q)],
    ),
    "緑ヶ丘子育てひろば": (
        Hub.Type.GENERAL,
        Hub.PlaceKind.PUBLIC_SPACE,
        ["addon_community_support"],
        [("中村 恵", Q), ("林 陽子", Q)],
    ),
    "みどりの家 親子のつどい": (
        Hub.Type.COLLABORATIVE,
        Hub.PlaceKind.CHILD_WELFARE,
        ["addon_community_capacity"],
        [("清水 真理", Q), ("山口 保育士", F), ("松本 保育士", F)],
    ),
    "百舌鳥ひろば": (
        Hub.Type.GENERAL,
        Hub.PlaceKind.NURSERY,
        ["addon_hub_base"],
        [("井上 明美", Q), ("木村 愛", Q)],
    ),
}
POPUP_HUB, POPUP_PLACE = "ひろば なかよし", "港地区コミュニティセンター"
STAFF_HUB = "ひろば なかよし"


def _report_values(hub: Hub, index: int) -> dict:
    """Plausible numbers; the third month back of 百舌鳥ひろば had no 講習 (flagged in the city's view)."""
    days = hub.open_days_per_week * 4
    base = 12 + 3 * index + len(hub.name)
    no_course = hub.name == "百舌鳥ひろば" and index == 2
    return {
        "days_opened": days,
        "parents": base * days // 2,
        "children_age0": base * days // 6,
        "children_age1": base * days // 6,
        "children_age2": base * days // 8,
        "children_age3_plus": base * days // 12,
        "consultations": 5 + index,
        "courses_held": 0 if no_course else 2,
        "course_attendance": 0 if no_course else 18 + index,
        "community_activities": 2 if hub.addon_community_support else 0,
    }


def seed(out) -> None:
    city = demo_user("city@example.jp")
    created = 0
    today = timezone.localdate()
    approved_at = timezone.make_aware(dt.datetime.combine(add_months(first_of_month(today), -4), dt.time(10)))
    for name, (hub_type, place_kind, addons, staff) in HUBS.items():
        service = Service.objects.get(name=name, category__slug="hub")
        if Hub.objects.filter(service=service).exists():
            continue
        hub = Hub.objects.create(
            service=service,
            hub_type=hub_type,
            place_kind=place_kind,
            status=Hub.Status.UNDER_REVIEW,
            **{addon: True for addon in addons},
        )
        HubStaffMember.objects.bulk_create(HubStaffMember(hub=hub, name=n, kind=k) for n, k in staff)
        HubTransition.objects.create(
            hub=hub,
            from_status="",
            to_status=Hub.Status.UNDER_REVIEW,
            by=city,
            at=approved_at - dt.timedelta(days=14),
        )
        services.hub_transition(by=city, hub=hub, to_status=Hub.Status.APPROVED, reason="")
        # Approved four months ago, so the reports below cover every month the hub owes.
        HubTransition.objects.filter(hub=hub, to_status=Hub.Status.APPROVED).update(at=approved_at)
        created += 1
    for hub in Hub.objects.filter(service__name__in=HUBS).select_related("service"):
        for index in range(1, 5):
            month = add_months(first_of_month(today), -index)
            if hub.name == "百舌鳥ひろば" and index == 1:
                continue  # last month's report is missing: the reminder and the city's list show it
            status = MonthlyReport.Status.SUBMITTED if index == 1 else MonthlyReport.Status.ACCEPTED
            MonthlyReport.objects.get_or_create(
                hub=hub,
                month=month,
                defaults={
                    **_report_values(hub, index),
                    "status": status,
                    "submitted_at": timezone.now(),
                },
            )
    popup_hub = Hub.objects.get(service__name=POPUP_HUB)
    if not PopupPlaza.objects.filter(hub=popup_hub).exists():
        first_tuesday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=1)
        days = [
            PopupDay(first_tuesday + dt.timedelta(weeks=week), dt.time(10, 0), dt.time(15, 0))
            for week in range(-8, 9)
        ]
        popup = services.popup_create(
            by=city,
            hub=popup_hub,
            location=Location.objects.get(name=POPUP_PLACE),
            days=[d for d in days if d.date >= today],
        )
        # The past weeks as they were registered back then (the service refuses past dates today).
        SpecialHours.objects.bulk_create(
            SpecialHours(service=popup.service, date=d.date, opens_at=d.opens_at, closes_at=d.closes_at)
            for d in days
            if d.date < today
        )
    hub_staff = demo_user("hubstaff@example.jp")
    HubStaffAccount.objects.get_or_create(user=hub_staff, defaults={"hub": popup_hub})
    out.write(f"hubs: {Hub.objects.count()} hubs ({created} new), {MonthlyReport.objects.count()} reports\n")
