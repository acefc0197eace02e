"""A parent books the last seat, sees it, cancels; the waitlisted parent is promoted. Axe on each page."""

from __future__ import annotations

import pytest

from facilities.bookings.models import Booking
from tests.bookings.factories import BookingFactory, ChildFactory, SessionFactory
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_last_seat_booked_cancelled_and_passed_to_the_waitlist(
    page, browser, live_server, parent, other_parent
):
    session = SessionFactory(title="親子リトミック", capacity=2)
    BookingFactory(session=session)
    ChildFactory(parent=parent, nickname="たろう")
    second_child = ChildFactory(parent=other_parent, nickname="ゆい")

    log_in(page, parent)
    page.goto(f"/bookings/sessions/{session.pk}/")
    assert page.get_by_text("残り 1 席").is_visible()
    assert_accessible(page)
    page.get_by_label("たろう").check()
    page.get_by_role("button", name="次へ（内容の確認）").click()
    assert page.get_by_role("heading", name="予約内容の確認").is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="予約する").click()
    page.get_by_role("heading", name="予約が確定しました").wait_for()
    assert_accessible(page)

    # The second parent finds the session full and joins the waitlist.
    other = browser.new_context(
        locale="ja-JP", viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    other_page = other.new_page()
    log_in(other_page, other_parent)
    other_page.goto(f"/bookings/sessions/{session.pk}/")
    assert other_page.get_by_text("満席").first.is_visible()
    other_page.get_by_label("ゆい").check()
    other_page.get_by_role("button", name="次へ（内容の確認）").click()
    other_page.get_by_role("button", name="キャンセル待ちに申し込む").click()
    other_page.get_by_text("順番は 1 番目です。").wait_for()
    assert_accessible(other_page)

    # The first parent sees the booking in "my bookings" and cancels it.
    page.get_by_role("link", name="予約の確認", exact=True).click()
    assert page.get_by_role("heading", name="予約の確認").is_visible()
    assert page.get_by_role("link", name="親子リトミック").first.is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="キャンセルする").click()
    assert_accessible(page)
    page.get_by_role("button", name="キャンセルする").click()
    page.get_by_text("予約をキャンセルしました。").wait_for()
    assert page.get_by_text("これからの予約はありません。").is_visible()

    # The waitlisted parent now holds the seat.
    assert Booking.objects.get(child=second_child).status == "confirmed"
    other_page.goto("/bookings/")
    assert other_page.get_by_text("予約確定").first.is_visible()
    other.close()
