"""The home page in Japanese, then in English, with no serious accessibility violation."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_in_japanese_then_english_is_accessible(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", level=1).is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Find" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)


def test_skip_link_moves_focus_to_the_main_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_staff_sign_in_with_second_factor_reaches_the_staff_menu(page, specialist):
    log_in(page, specialist)
    page.goto("/staff/")
    assert page.get_by_role("heading", name="職員メニュー").is_visible()
    assert_accessible(page)
