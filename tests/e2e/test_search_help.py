"""A parent types a worry as a sentence, a typo, or a word nobody uses; the page always shows a way
forward, accessible, with or without JavaScript. City staff turn a missed search into a synonym."""

from __future__ import annotations

import io
import re

import pytest

from facilities import demo
from facilities.models import Synonym
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_city():
    demo.seed(io.StringIO())


def test_a_sentence_shows_its_situation_and_a_phone_to_tap(page, demo_city):
    page.goto("/search/")
    page.get_by_label("ことばでさがす").fill("夜中に子どもを預けたい")
    page.get_by_role("button", name="さがす", exact=True).click()
    page.wait_for_url(re.compile(r"q=%E5%A4%9C"))
    situation = page.locator(".situation-match")
    situation.get_by_role("heading", name=re.compile("夜中や急な用事で")).wait_for()
    assert situation.get_by_role("link", name="ショートステイ みどりの家", exact=True).is_visible()
    call = situation.get_by_role("link", name=re.compile("電話する 0120-000-200")).first
    assert call.get_attribute("href") == "tel:0120000200"
    assert call.bounding_box()["height"] >= 44
    page.screenshot(path="/tmp/e2e_search_sentence.png", full_page=True)
    assert_accessible(page)


def test_nothing_found_without_javascript_still_offers_the_consultation_phone(
    browser, live_server, demo_city
):
    context = browser.new_context(locale="ja-JP", java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/search/?q=qzxqzx")
    help_ = page.locator(".empty-help")
    assert help_.get_by_role("link", name="「こんなときは」から探す").is_visible()
    assert (
        help_.get_by_role("link", name=re.compile("0120-000-100")).get_attribute("href") == "tel:0120000100"
    )
    page.goto("/search/?q=いちじあづかり")
    assert page.get_by_text("近いことば「一時預かり」の結果を表示しています").is_visible()
    assert page.get_by_role("link", name="一時預かり すくすくルーム", exact=True).is_visible()
    context.close()


def test_city_staff_turn_a_missed_search_into_a_synonym(page, demo_city, city_staff):
    page.goto("/search/?q=ねんね")  # found nothing: counted for this month
    log_in(page, city_staff)
    page.goto("/staff/search-misses/")
    row = page.locator("li.card", has_text="「ねんね」")
    assert_accessible(page)
    row.get_by_label("同義語として：言いかえ").fill("ベビーマッサージ")
    row.get_by_role("button", name=re.compile("追加する")).click()
    page.get_by_text("「ねんね」を追加しました。").wait_for()
    assert Synonym.objects.filter(term="ねんね", expansion="ベビーマッサージ").exists()
