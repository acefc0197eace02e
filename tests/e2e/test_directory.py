"""A parent searches in hiragana, narrows by the child's age, and opens a service page; types a worry as
a sentence, a typo or a word nobody uses and still finds a way forward; city staff turn a miss into a
synonym."""

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


def test_search_in_hiragana_then_filter_by_age_then_open_a_service(page, demo_city):
    page.goto("/search/")
    assert_accessible(page)

    page.get_by_label("ことばでさがす").fill("いちじあずかり")
    page.get_by_role("button", name="さがす", exact=True).click()
    page.wait_for_url(re.compile(r"q=%E3%81%84"))  # htmx pushed the query into the URL
    results = page.locator("#results")
    results.get_by_role("heading", name="3件みつかりました").wait_for()
    assert results.get_by_role("link", name="一時預かり すくすくルーム", exact=True).is_visible()
    assert results.get_by_role("link", name="百舌鳥保育園 一時保育", exact=True).is_visible()

    # 80 months: too old for 百舌鳥保育園 一時保育 (under 72), still within すくすくルーム (under 84).
    page.locator("summary", has_text="絞り込み").click()
    page.get_by_label("お子さんの月齢（か月）").fill("80")
    page.get_by_label("お子さんの月齢（か月）").dispatch_event("change")
    page.wait_for_url(re.compile(r"age_months=80"))
    results.get_by_role("heading", name="2件みつかりました").wait_for()
    assert not results.get_by_role("link", name="百舌鳥保育園 一時保育", exact=True).count()
    assert "q=%E3%81%84" in page.url  # the URL keeps the query, so it can be shared
    page.screenshot(path="/tmp/e2e_search.png", full_page=True)
    assert_accessible(page)

    results.get_by_role("link", name="一時預かり すくすくルーム", exact=True).click()
    page.wait_for_url(re.compile(r"/services/\d+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "一時預かり すくすくルーム"
    assert page.get_by_role("heading", name=re.compile("きょう")).is_visible()
    page.screenshot(path="/tmp/e2e_service.png", full_page=True)
    assert_accessible(page)


def test_situation_cards_on_home_lead_to_results_without_javascript(browser, live_server, demo_city):
    context = browser.new_context(locale="ja-JP", java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="子どもの発達が気になる", exact=True).click()
    assert page.get_by_role("link", name="児童発達支援 めばえ教室", exact=True).is_visible()
    assert page.get_by_role("link", name="みどり障害児相談支援センター", exact=True).is_visible()
    context.close()


# Never a dead end (issue #14): a sentence, a typo, a word nobody uses; what staff do with misses.


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
