"""Hubs in the browser: city staff register a 一般型 hub with a 出張ひろば, meet the 5-hour rule, fix it and
approve; a parent then finds the hub and the 出張ひろば date in the directory; hub staff file a report."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from facilities.models import Service
from hubs import rules
from hubs.models import Hub
from hubs.selectors import month_due
from portal.dates import add_months
from tests.e2e.conftest import assert_accessible, log_in
from tests.hubs.factories import (
    AreaFactory,
    LocationFactory,
    OrganizationFactory,
    ensure_categories,
    link_staff,
)

pytestmark = pytest.mark.django_db(transaction=True)


def field_of_row(page, label: str, number: int, add: str):
    """The field of row ``number``, adding rows with 「…の行を追加」 (in place, by the static script)."""
    while not page.get_by_label(f"{label}（{number}）").count():
        page.get_by_role("button", name=add).click()
    return page.get_by_label(f"{label}（{number}）")


def fill_hours(page, opens: str, closes: str) -> None:
    for number, weekday in enumerate(("月曜日", "水曜日", "金曜日"), start=1):
        field_of_row(page, "曜日", number, "開設時間の行を追加").select_option(label=weekday)
        page.get_by_label(f"開始時刻（{number}）").fill(opens)
        page.get_by_label(f"終了時刻（{number}）").fill(closes)


def test_register_fix_approve_find_and_report(page, city_staff, parent, hub_staff):
    ensure_categories()
    organization = OrganizationFactory(name="NPO法人ブラウザ")
    LocationFactory(name="ブラウザ商店街 空き店舗")
    LocationFactory(name="港の公民館")
    log_in(page, city_staff)

    page.goto("/hubs/new/")
    assert_accessible(page)
    page.get_by_label("名称:", exact=True).fill("ひろば ブラウザ")
    page.get_by_label("運営主体（登録済み）").select_option(label=organization.name)
    page.get_by_label("実施場所（登録済み）").select_option(label="ブラウザ商店街 空き店舗")
    page.get_by_label("一般型").check()
    page.get_by_label("実施場所の種類").select_option(label="商店街の空き店舗")
    page.get_by_label("加算: 出張ひろば").check()
    fill_hours(page, "10:00", "12:00")
    for number, name in ((1, "職員A"), (2, "職員B"), (3, "消す人")):
        field_of_row(page, "氏名", number, "従事者の行を追加").fill(name)
        page.get_by_label(f"区分（{number}）").select_option(label="子育てに関する知識・経験を有する者")
    page.get_by_role("button", name="従事者の行を削除（3）").click()  # removed again: hidden, ticked
    page.get_by_role("button", name="登録する").click()

    summary = page.get_by_role("alert")
    hours = rules.hours_text(rules.in_force().min_daily_hours[rules.GENERAL])
    assert f"開設時間の要件（一般型は1日{hours}以上）" in summary.inner_text()
    assert not Hub.objects.exists()
    assert page.get_by_label("名称:", exact=True).input_value() == "ひろば ブラウザ"
    assert_accessible(page)

    fill_hours(page, "10:00", "15:00")
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url(re.compile(r"/hubs/\d+/$"))
    hub = Hub.objects.get(service__name="ひろば ブラウザ")
    assert hub.open_days_band == rules.open_days_band(rules.GENERAL, 3)
    assert list(hub.staff.values_list("name", flat=True)) == ["職員A", "職員B"]

    page.get_by_role("link", name="出張ひろばを登録する").click()
    next_tuesday = timezone.localdate() + dt.timedelta(days=(1 - timezone.localdate().weekday()) % 7 or 7)
    page.get_by_label("場所").select_option(label="港の公民館")
    page.get_by_label("開設日").fill(
        f"{next_tuesday:%Y-%m-%d}\n{next_tuesday + dt.timedelta(weeks=1):%Y-%m-%d}"
    )
    page.get_by_label("開始時刻").fill("10:00")
    page.get_by_label("終了時刻").fill("15:00")
    assert_accessible(page)
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url(f"**/hubs/{hub.pk}/")

    for status in ("審査中", "承認"):
        page.get_by_label("変更後の状態").select_option(label=status)
        page.get_by_role("button", name="状態を変更する").click()
        page.wait_for_url(f"**/hubs/{hub.pk}/")
    assert "承認" in page.locator("h1 + p").inner_text()
    popup_service = Service.objects.get(popup_plaza__hub=hub)

    page.context.clear_cookies()
    log_in(page, parent)
    try:
        search_url = reverse("facilities:search")
    except NoReverseMatch:  # the directory's search page is built separately; its entry must be visible
        search_url = None
    if search_url:
        page.goto(f"{search_url}?q=ひろば ブラウザ")
        page.get_by_role("link", name="ひろば ブラウザ").first.wait_for()
        page.goto(f"{search_url}?q=出張ひろば ブラウザ")
        page.get_by_role("link", name=popup_service.name).first.click()
        assert f"{next_tuesday.month}月{next_tuesday.day}日" in page.locator("main").inner_text()
    else:
        assert set(
            Service.objects.visible_to_parents().filter(pk__in=[hub.service_id, popup_service.pk])
        ) == {
            hub.service,
            popup_service,
        }

    link_staff(hub_staff, hub)
    page.context.clear_cookies()
    log_in(page, hub_staff)
    page.goto("/hubs/mine/")
    page.get_by_role("link", name="月次実績報告").click()
    last_month = add_months(timezone.localdate().replace(day=1), -1)
    page.get_by_label("対象月").fill(f"{last_month:%Y-%m}")
    page.get_by_role("button", name="この月の報告を作る").click()
    assert_accessible(page)
    page.get_by_label("利用者数（保護者・延べ）").fill("-3")
    page.get_by_role("button", name="提出する").click()
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("利用者数（保護者・延べ）").fill("40")
    page.get_by_label("利用者数（0歳児・延べ）").fill("25")
    page.get_by_role("button", name="提出する").click()
    page.get_by_text("報告を提出しました。").wait_for()
    report = hub.reports.get()
    assert report.status == "submitted" and report.parents == 40 and report.month == last_month


def test_a_new_place_is_located_by_a_click_on_the_map(page, city_staff):
    """The map fills the coordinates (tiles may not load offline: the click still has a position)."""
    ensure_categories()
    OrganizationFactory(name="NPO法人ちず")
    area = AreaFactory()
    log_in(page, city_staff)
    page.goto("/hubs/new/")
    page.get_by_label("名称:", exact=True).fill("ひろば ちず")
    page.get_by_label("運営主体（登録済み）").select_option(label="NPO法人ちず")
    page.get_by_label("新しい場所の名称").fill("ちずの家")
    page.get_by_label("新しい場所の住所").fill("みどり市中央2-3")
    page.get_by_label("新しい場所の地区").select_option(label=area.name)
    page.locator("#place-map").click(position={"x": 120, "y": 90})
    latitude = page.get_by_label("新しい場所の緯度").input_value()
    assert latitude and page.get_by_label("新しい場所の経度").input_value()
    page.get_by_label("一般型").check()
    page.get_by_label("実施場所の種類").select_option(label="民家")
    fill_hours(page, "10:00", "16:00")
    for number, name in ((1, "職員A"), (2, "職員B")):
        field_of_row(page, "氏名", number, "従事者の行を追加").fill(name)
        page.get_by_label(f"区分（{number}）").select_option(label="子育てに関する知識・経験を有する者")
    assert_accessible(page)
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url(re.compile(r"/hubs/\d+/$"))
    location = Hub.objects.get(service__name="ひろば ちず").service.location
    assert f"{location.latitude}" == latitude


def test_hub_staff_withdraw_a_date_city_staff_review_a_diff_and_a_report_warns(page, hub_staff, city_staff):
    from hubs import services
    from hubs.models import HubChangeRequest
    from hubs.rules import PopupDay
    from tests.bookings.factories import BookingFactory, SessionFactory
    from tests.hubs.factories import HubFactory

    hub = HubFactory(addon_popup=True, status=Hub.Status.APPROVED)
    link_staff(hub_staff, hub)
    today = timezone.localdate()
    tuesday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=1, days=1)
    long_enough = (dt.datetime.combine(today, dt.time(10)) + rules.in_force().popup_min_hours).time()
    popup = services.popup_create(
        by=city_staff,
        hub=hub,
        location=LocationFactory(name="港の集会所"),
        days=[PopupDay(tuesday + dt.timedelta(weeks=w), dt.time(10), long_enough) for w in range(2)],
    )
    booking = BookingFactory(
        session=SessionFactory(
            service=popup.service, starts_at=timezone.make_aware(dt.datetime.combine(tuesday, dt.time(10)))
        )
    )

    log_in(page, hub_staff)
    page.goto(f"/hubs/{hub.pk}/")
    page.get_by_role("link", name=f"{tuesday:%Y-%m-%d} を変更・取り下げ").click()
    assert_accessible(page)
    page.get_by_role("button", name="取り下げる").click()
    assert page.get_by_role("alert").is_visible()  # a reason is needed: the parents are told
    page.get_by_label("取り下げの理由").fill("会場の工事のため")
    page.get_by_role("button", name="取り下げる").click()
    page.get_by_text("出張ひろばの日付を取り下げました").wait_for()
    booking.refresh_from_db()
    assert booking.status == "cancelled"

    page.get_by_role("link", name="月次実績報告").click()
    due = month_due(hub)  # the oldest month missing
    assert page.get_by_label("対象月").input_value() == f"{due:%Y-%m}"  # preselected
    page.get_by_role("button", name="この月の報告を作る").click()
    page.get_by_label("開設日数:", exact=True).fill("1")
    page.get_by_role("button", name="提出する", exact=True).click()
    page.get_by_text("ポータルの記録と違う数があります").wait_for()
    assert_accessible(page)
    assert not hub.reports.exists()

    HubChangeRequest.objects.create(
        hub=hub,
        proposed_by=hub_staff,
        data={"phone": "0120-000-111", "hours": [[d, "10:00", "16:00"] for d in range(6)]},
    )
    page.context.clear_cookies()
    log_in(page, city_staff)
    page.goto(f"/hubs/{hub.pk}/")
    page.get_by_text("開設日数の区分が変わります").wait_for()
    assert_accessible(page)
