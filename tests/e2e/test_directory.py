"""A parent searches in hiragana, narrows by the child's age, and opens a service page."""

from __future__ import annotations

import io
import re

import pytest

from facilities import demo
from tests.e2e.conftest import assert_accessible

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
