"""The shared date ranges (portal/dates.py): each boundary, relative to the anchor day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal import dates

DAY = dt.date(2026, 11, 30)


def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    assert dates.add_months(DAY, 10) == dt.date(2027, 9, 30)
    assert dates.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert dates.add_months(dt.date(2024, 2, 29), -12) == dt.date(2023, 2, 28)


@pytest.mark.parametrize(
    ("date_range", "inside", "outside"),
    [
        (
            dates.PAST,
            [dates.FLOOR, DAY],
            [dt.date(1999, 12, 31), DAY + dt.timedelta(days=1), dt.date(1, 1, 1)],
        ),
        (dates.FOLLOW_UP, [DAY, dt.date(2028, 11, 30)], [DAY - dt.timedelta(days=1), dt.date(2028, 12, 1)]),
        (dates.BIRTH, [dt.date(2008, 11, 30), DAY], [dt.date(2008, 11, 29), DAY + dt.timedelta(days=1)]),
        (
            dates.DUE,
            [dt.date(2026, 10, 30), dt.date(2027, 9, 30)],
            [dt.date(2026, 10, 29), dt.date(2027, 10, 1)],
        ),
    ],
)
def test_ranges_hold_their_boundaries(date_range, inside, outside):
    for value in inside:
        assert date_range.error(value, anchor=DAY) is None, value
    for value in outside:
        assert date_range.error(value, anchor=DAY), value


def test_check_names_the_field_and_the_bound():
    with pytest.raises(ValidationError) as error:
        dates.PAST.check(dt.date(1, 1, 1), field="held_on", anchor=DAY)
    assert "2000-01-01" in error.value.message_dict["held_on"][0]
    dates.PAST.check(None, field="held_on")  # unknown stays unknown


def test_past_moment_refuses_year_one_and_the_future_but_allows_clock_slack():
    tz = timezone.get_default_timezone()
    assert "2000-01-01" in dates.past_moment_error(dt.datetime(1, 1, 1, tzinfo=tz))
    assert dates.past_moment_error(dt.datetime(9999, 12, 31, 23, 59, tzinfo=tz))
    assert dates.past_moment_error(timezone.now() + dt.timedelta(minutes=5))
    assert dates.past_moment_error(timezone.now() + dt.timedelta(seconds=30)) is None
    assert dates.past_moment_error(None) is None


def test_an_unchanged_stored_value_is_not_checked_again():
    old = dt.date(2020, 1, 1)
    assert dates.DUE.error(old, anchor=DAY)
    assert dates.DUE.error(old, anchor=DAY, stored=old) is None


def test_widget_attrs_give_the_bounds_to_the_browser():
    assert dates.FOLLOW_UP.widget_attrs(DAY) == {"min": "2026-11-30", "max": "2028-11-30"}


def test_date_range_field_refuses_out_of_range_dates_and_tells_the_browser_its_bounds():
    from django import forms

    class Form(forms.Form):
        day = dates.DateRangeField(date_range=dates.PAST, required=False)

    form = Form({"day": "0001-01-01"})
    assert not form.is_valid() and "2000-01-01" in form.errors["day"][0]
    assert Form({"day": ""}).is_valid()
    html = str(Form()["day"])
    assert 'min="2000-01-01"' in html and f'max="{timezone.localdate():%Y-%m-%d}"' in html
