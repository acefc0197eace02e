"""Browser tests: Playwright for Python driving Debian's chromium against pytest-django's live_server."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

# live_server runs in a thread while Playwright's sync API holds an event loop in this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# axe-core impacts that fail a page (JIS X 8341-3 / WCAG 2.1 AA).
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.conftest import require_service

    require_service(CHROMIUM.exists(), f"{CHROMIUM} is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A phone-sized page in Japanese; ``page.base_url`` is the live server."""
    context = browser.new_context(
        locale="ja-JP", viewport={"width": 390, "height": 844}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Chromium reports what the Content-Security-Policy blocked as a console error: any is a failure.
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert not blocked, "\n".join(blocked)


def assert_accessible(page) -> None:
    """Run axe-core on the current page; no serious or critical violation is allowed."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes']][:5]}" for v in blocking
    )


def log_in(page, user, password: str = "test-pass-9876") -> None:
    """Sign in through the real login form; staff answer the TOTP step with a current code."""
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    page.goto("/accounts/login/")
    page.get_by_label("メールアドレス").fill(user.email)
    page.get_by_label("パスワード").fill(password)
    page.locator("form").get_by_role("button", name="ログイン").click()
    secret = getattr(user, "totp_secret", None)
    if secret:
        page.locator("#id_code").wait_for()
        # A code is valid only in its own time step: never type one that expires before the server
        # checks it.
        period = mfa_settings.TOTP_PERIOD
        remaining = period - time.time() % period
        if remaining < 5:
            time.sleep(remaining + 0.2)
        code = format_hotp_value(hotp_value(secret, int(time.time()) // period))
        page.locator("#id_code").fill(code)
        page.locator("form[action='/accounts/2fa/authenticate/']").get_by_role(
            "button", name="ログイン"
        ).click()
    page.wait_for_url(lambda url: "/accounts/" not in url)
