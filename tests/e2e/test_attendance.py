"""出欠の記録 on the roster: the recorded state is the emphasised (solid, pressed) button, with and
without JavaScript (#11.9: the pressed button used to be drawn outlined and the other solid)."""

from __future__ import annotations

import datetime as dt

import pytest

from facilities.bookings.models import Booking
from tests.bookings.factories import BookingFactory, ChildFactory, SessionFactory, today_in
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)

WHITE = "rgb(255, 255, 255)"


def _today_booking() -> Booking:
    starts = today_in(30)
    session = SessionFactory(
        title="親子リトミック",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        opens_at=starts - dt.timedelta(days=30),
        closes_at=starts - dt.timedelta(minutes=30),
        cancel_cutoff=starts - dt.timedelta(minutes=30),
    )
    return BookingFactory(session=session, child=ChildFactory(nickname="たろう"))


def _button(page, name: str):
    return page.locator("#roster").get_by_role("button", name=name, exact=True)


def _looks_solid(locator, javascript: bool) -> bool:
    """Drawn solid (filled) rather than outlined: the computed background when scripts run (the
    rendering itself), the outline class when they cannot (Playwright cannot evaluate then)."""
    if javascript:
        return locator.evaluate("button => getComputedStyle(button).backgroundColor") != WHITE
    return "secondary" not in (locator.get_attribute("class") or "")


def _assert_chosen(page, chosen: str, other: str, javascript: bool) -> None:
    """The chosen state is pressed and solid; the other is not pressed and outlined."""
    _button(page, chosen).and_(page.locator("[aria-pressed='true']")).wait_for()
    assert _button(page, other).get_attribute("aria-pressed") == "false"
    assert _looks_solid(_button(page, chosen), javascript)
    assert not _looks_solid(_button(page, other), javascript)


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_the_recorded_attendance_is_the_emphasised_button(browser, live_server, city_staff, javascript):
    booking = _today_booking()
    context = browser.new_context(
        locale="ja-JP",
        viewport={"width": 390, "height": 844},
        base_url=live_server.url,
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, city_staff)
    page.goto(f"/bookings/staff/sessions/{booking.session_id}/")
    # Nothing recorded yet: neither button is pressed, both outlined.
    for name in ("出席", "欠席"):
        assert _button(page, name).get_attribute("aria-pressed") == "false"
        assert not _looks_solid(_button(page, name), javascript)
    if javascript:
        assert_accessible(page)  # axe runs as a script

    _button(page, "出席").click()
    _assert_chosen(page, "出席", "欠席", javascript)
    booking.refresh_from_db()
    assert booking.attended is True

    _button(page, "欠席").click()
    _assert_chosen(page, "欠席", "出席", javascript)
    booking.refresh_from_db()
    assert booking.attended is False
    if javascript:
        assert_accessible(page)
    context.close()
