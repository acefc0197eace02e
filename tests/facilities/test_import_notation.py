"""Notations people write in facility lists: each read as written, or refused with the cell's value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from facilities import notation
from facilities.notation import Ages, Days, NotationError

WEEKDAYS = frozenset(range(5))


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("月～金", Days(WEEKDAYS)),
        ("月-金", Days(WEEKDAYS)),
        ("月〜金", Days(WEEKDAYS)),
        ("月曜日～金曜日", Days(WEEKDAYS)),
        ("月・水・金", Days(frozenset({0, 2, 4}))),
        ("月;火;水", Days(frozenset({0, 1, 2}))),
        ("月、火、木～土曜日", Days(frozenset({0, 1, 3, 4, 5}))),
        ("平日", Days(WEEKDAYS)),
        ("毎日", Days(frozenset(range(7)))),
        ("土日", Days(frozenset({5, 6}))),
        ("土日祝", Days(frozenset({5, 6}), open_on_holidays=True)),
        ("年中無休", Days(frozenset(range(7)), open_on_holidays=True)),
        ("火～土（祝日を除く）", Days(frozenset({1, 2, 3, 4, 5}), open_on_holidays=False)),
        ("月～金(祝日除く)", Days(WEEKDAYS, open_on_holidays=False)),
        ("金～月", Days(frozenset({4, 5, 6, 0}))),
    ],
)
def test_days_as_people_write_them(text, days):
    assert notation.parse_days(text) == days


@pytest.mark.parametrize("text", ["月曜 9時から", "随時", "第2火曜", "月～", "要相談"])
def test_days_not_understood_are_refused_with_the_cell(text):
    with pytest.raises(NotationError) as error:
        notation.parse_days(text)
    assert error.value.value == text


@pytest.mark.parametrize(
    ("text", "time"),
    [
        ("9:00", dt.time(9)),
        ("09:00", dt.time(9)),
        ("9時", dt.time(9)),
        ("9時30分", dt.time(9, 30)),
        ("９：００", dt.time(9)),
        ("09:00:00", dt.time(9)),
        ("午後5時", dt.time(17)),
        ("24:00", dt.time(0)),
        (dt.time(7, 15), dt.time(7, 15)),
    ],
)
def test_times_as_people_write_them(text, time):
    assert notation.parse_time(text) == time


@pytest.mark.parametrize("text", ["9時頃", "25:00", "9:75", "朝", "9"])
def test_times_not_understood_are_refused(text):
    with pytest.raises(NotationError):
        notation.parse_time(text)


def test_a_range_in_one_cell_and_24_hours():
    assert notation.parse_span("9:00～17:00", "") == (dt.time(9), dt.time(17))
    assert notation.parse_span("９時～１７時３０分", "") == (dt.time(9), dt.time(17, 30))
    assert notation.parse_span("24時間", "") == (dt.time(0), dt.time(0))
    assert notation.parse_span("7:00", "19:00") == (dt.time(7), dt.time(19))
    with pytest.raises(NotationError):
        notation.parse_span("9:00", "")


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("0歳から3歳", Ages(0, 48)),
        ("0～2歳児", Ages(0, 36)),
        ("生後57日から", Ages(1, None)),
        ("生後3か月", Ages(3, None)),
        ("生後6ヶ月～就学前", Ages(6, 84)),
        # The age-class rule: the N歳クラス are N on April 1, so under N+2 by the end of the year.
        ("1歳クラスから", Ages(12, None)),
        ("3歳クラスから5歳クラスまで", Ages(36, 84)),
        ("就学前", Ages(0, 84)),
        ("小学3年生まで", Ages(None, 120)),
        ("18歳未満", Ages(None, 216)),
        ("3歳以上", Ages(36, None)),
        ("妊婦", Ages(None, None, for_pregnant=True)),
        ("妊婦と0歳から就学前", Ages(0, 84, for_pregnant=True)),
    ],
)
def test_ages_as_people_write_them(text, ages):
    assert notation.parse_ages(text) == ages


@pytest.mark.parametrize("text", ["乳児優先", "3歳から1歳", "要相談", "おおむね2歳"])
def test_ages_not_understood_are_refused(text):
    with pytest.raises(NotationError):
        notation.parse_ages(text)


def test_coordinates_inside_japan_and_a_swapped_pair_named():
    assert notation.parse_coordinates("35.68", "139.76") == (Decimal("35.680000"), Decimal("139.760000"))
    assert notation.parse_coordinates("", "") is None
    with pytest.raises(notation.SwappedCoordinates):
        notation.parse_coordinates("139.76", "35.68")
    with pytest.raises(NotationError) as outside:
        notation.parse_coordinates("95", "139.76")
    assert outside.value.value == "95"
    with pytest.raises(NotationError):
        notation.parse_coordinates("北緯35度", "139.76")


def test_full_width_numbers_and_phone_numbers_are_normalised():
    assert notation.normalize_phone("０３（１２３４）５６７８") == "03-1234-5678"
    assert notation.normalize_phone("03－1234－5678") == "03-1234-5678"
    assert notation.parse_count("６０人") == 60
    with pytest.raises(NotationError):
        notation.parse_count("約60")


def test_dates_western_and_japanese_era():
    assert notation.parse_date("令和8年4月1日") == dt.date(2026, 4, 1)
    assert notation.parse_date("平成元年1月8日") == dt.date(1989, 1, 8)
    assert notation.parse_date("2026/4/1") == dt.date(2026, 4, 1)
    for bad in ("2026-02-30", "3026-01-01", "きのう"):
        with pytest.raises(NotationError):
            notation.parse_date(bad)


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("131016", True),
        ("011002", True),
        ("220001", True),
        ("102121", True),
        ("131017", False),
        ("13101", False),
    ],
)
def test_city_code_check_digit(code, valid):
    assert notation.city_code_is_valid(code) is valid


@pytest.mark.parametrize(
    ("text", "periods", "holidays"),
    [
        ("月～金 9:00～17:00", [(d, dt.time(9), dt.time(17)) for d in range(5)], None),
        (
            "月～金 8:30～17:15、土 8:30～12:00",
            [(d, dt.time(8, 30), dt.time(17, 15)) for d in range(5)] + [(5, dt.time(8, 30), dt.time(12))],
            None,
        ),
        ("平日9時～17時（祝日を除く）", [(d, dt.time(9), dt.time(17)) for d in range(5)], False),
        (
            "月、火 9:00～17:00、土 10:00～12:00",
            [(0, dt.time(9), dt.time(17)), (1, dt.time(9), dt.time(17)), (5, dt.time(10), dt.time(12))],
            None,
        ),
        ("毎日 24時間", [(d, dt.time(0), dt.time(0)) for d in range(7)], None),
    ],
)
def test_days_and_times_in_one_cell(text, periods, holidays):
    assert notation.parse_schedule(text) == (periods, holidays)


@pytest.mark.parametrize("text", ["月～金 9:00～17:00、土曜午前", "月～金、土", "9:00～17:00"])
def test_days_and_times_in_one_cell_not_understood_are_refused(text):
    with pytest.raises(NotationError):
        notation.parse_schedule(text)
