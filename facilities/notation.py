"""Notations people write in facility lists (曜日・時刻・受入年齢・座標・電話番号), read without guessing.

Pure functions, no database: each returns what the text says or raises ``NotationError`` with the
cell's own value, so the importer can hold the row for a person instead of storing a misreading.
Every notation understood here is listed in docs/import.md and on the clerk's help page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

WEEKDAY_CHARS = "月火水木金土日"
ALL_DAYS = frozenset(range(7))

# Wave dashes and dash-like characters people use for ranges (月～金, 9:00〜17:00, 月－金).
_RANGE = "~〜～‐‑‒–—―−ー－-"
_RANGE_CLASS = re.escape(_RANGE)


class NotationError(ValueError):
    """A cell that says something this module does not understand; ``value`` is the cell as written."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


def fold(text: str) -> str:
    """NFKC (full-width digits and letters to half-width) with every wave dash written as ``~``."""
    folded = unicodedata.normalize("NFKC", text or "").strip()
    return re.sub(f"[{_RANGE_CLASS}]", "~", folded)


# --- 曜日 (利用可能曜日) ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Days:
    """Weekdays (0 = 月) and what the cell says about 祝日: True open, False closed, None not said."""

    weekdays: frozenset[int]
    open_on_holidays: bool | None = None


# Words first, longest first, so 土日祝 is not read as 土日 + a stray 祝.
_HOLIDAYS_CLOSED = re.compile(r"[(（]?(?:祝祭?日|祝)(?:・年末年始)?(?:を)?(?:除く|除き|は休み?|休み?)[)）]?")
_DAY_WORDS: list[tuple[str, frozenset[int], bool | None]] = [
    ("年中無休", ALL_DAYS, True),
    ("毎日", ALL_DAYS, None),
    ("全日", ALL_DAYS, None),
    ("平日", frozenset(range(5)), None),
    ("土日祝日", frozenset({5, 6}), True),
    ("土日祝", frozenset({5, 6}), True),
    ("土日", frozenset({5, 6}), None),
    ("週末", frozenset({5, 6}), None),
    ("祝日", frozenset(), True),
    ("祝", frozenset(), True),
]
_SEPARATORS = re.compile(r"[・、,，;；/／\s及びと]+")


def parse_days(value: str) -> Days:
    """利用可能曜日 as written: ranges (月～金, 月-金, 月曜日～金曜日), lists (月・水・金, 月;火;水,
    月、火、木～土曜日), words (平日, 毎日, 土日, 土日祝, 年中無休) and 祝日を除く."""
    text = fold(value)
    if not text:
        raise NotationError(value)
    open_on_holidays: bool | None = None
    if _HOLIDAYS_CLOSED.search(text):
        open_on_holidays = False
        text = _HOLIDAYS_CLOSED.sub(" ", text)
    text = text.replace("曜日", "").replace("曜", "").replace("から", "~")
    weekdays: set[int] = set()
    for word, days, holidays in _DAY_WORDS:
        if word in text:
            weekdays |= days
            if holidays is not None and open_on_holidays is None:
                open_on_holidays = holidays
            text = text.replace(word, " ")
    for part in _SEPARATORS.split(text):
        if not part:
            continue
        weekdays |= _day_run(part, value)
    if not weekdays:
        raise NotationError(value)
    return Days(frozenset(weekdays), open_on_holidays)


def _day_run(part: str, value: str) -> set[int]:
    """「月」「月~金」「月火水」 (a range may wrap: 金~月)."""
    if "~" in part:
        start, _tilde, end = part.partition("~")
        if len(start) != 1 or len(end) != 1 or start not in WEEKDAY_CHARS or end not in WEEKDAY_CHARS:
            raise NotationError(value)
        first, last = WEEKDAY_CHARS.index(start), WEEKDAY_CHARS.index(end)
        return {(first + i) % 7 for i in range((last - first) % 7 + 1)}
    if all(c in WEEKDAY_CHARS for c in part):
        return {WEEKDAY_CHARS.index(c) for c in part}
    raise NotationError(value)


# --- 時刻 (開始時間・終了時間) ----------------------------------------------------------------------------

_TIME = re.compile(
    r"^(?:午前|AM|am)?\s*(\d{1,2})(?:[:：]|時)(?:(\d{1,2})(?:分)?)?(?:[:：](\d{2}))?$|^(\d{1,2})時半$"
)
_AFTERNOON = re.compile(r"^(?:午後|PM|pm)\s*")


def parse_time(value: str | dt.time | dt.datetime) -> dt.time:
    """9:00, 09:00, 9時, 9時30分, ９：００, 09:00:00, 午後5時; 24:00 is midnight (the end of the day).
    A spreadsheet's time cell arrives as ``datetime.time``."""
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    text = fold(value).replace(" ", "")
    afternoon = bool(_AFTERNOON.match(text))
    text = _AFTERNOON.sub("", text)
    match = _TIME.match(text)
    if not match:
        raise NotationError(value)
    if match.group(4):
        hours, minutes = int(match.group(4)), 30
    else:
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if afternoon and hours < 12:
        hours += 12
    if hours == 24 and minutes == 0:
        return dt.time(0, 0)
    if hours > 23 or minutes > 59:
        raise NotationError(value)
    return dt.time(hours, minutes)


ALL_DAY = (dt.time(0, 0), dt.time(0, 0))
_ALL_DAY_WORDS = {"24時間", "24h", "24時間営業", "終日"}


def parse_span(opens: str | dt.time, closes: str | dt.time) -> tuple[dt.time, dt.time]:
    """開始時間 and 終了時間, or both in one cell (9:00～17:00) with the other empty; 24時間 is the
    whole day (a period from 0:00 to 0:00, see ``hours_text`` and ``WeeklyHours.overnight``)."""
    if isinstance(opens, str) and not (isinstance(closes, str) and closes.strip()):
        text = fold(opens).replace(" ", "")
        if text in _ALL_DAY_WORDS:
            return ALL_DAY
        if "~" in text:
            start, _tilde, end = text.partition("~")
            return parse_time(start), parse_time(end)
        raise NotationError(opens)
    return parse_time(opens), parse_time(closes)


# Where days and times share one cell, segments are cut at these (a 、 inside a day list such as
# 「月、火 9:00～17:00」 is rejoined below: a segment without a time belongs to the next one).
_SEGMENTS = re.compile(r"[、,，;；\n／/]+")
_FIRST_DIGIT = re.compile(r"\d")


def parse_schedule(value: str) -> tuple[list[tuple[int, dt.time, dt.time]], bool | None]:
    """Days with their times in one cell: 「月～金 9:00～17:00」, 「月～金 8:30～17:15、土 8:30～12:00」,
    「平日9時～17時（祝日を除く）」. Returns (periods, open on 祝日 as the cell says). Raises NotationError."""
    text = fold(value)
    open_on_holidays = False if _HOLIDAYS_CLOSED.search(text) else None
    text = _HOLIDAYS_CLOSED.sub(" ", text)
    periods: list[tuple[int, dt.time, dt.time]] = []
    waiting: list[str] = []
    for segment in (s.strip() for s in _SEGMENTS.split(text)):
        if not segment:
            continue
        digit = _FIRST_DIGIT.search(segment)
        if digit is None:
            waiting.append(segment)
            continue
        days = parse_days("・".join([*waiting, segment[: digit.start()]]))
        opens, closes = parse_span(segment[digit.start() :], "")
        periods += [(day, opens, closes) for day in days.weekdays]
        waiting = []
        if days.open_on_holidays is not None and open_on_holidays is None:
            open_on_holidays = days.open_on_holidays
    if waiting or not periods:
        raise NotationError(value)
    return sorted(periods), open_on_holidays


def format_time(value: dt.time) -> str:
    return value.strftime("%H:%M")


# --- 受入年齢 / 対象年齢 -----------------------------------------------------------------------------------

# The age-class rule (N歳クラス): a child belongs to the class of the age they are on April 1 of the
# school year. So a member of the N歳クラス is at least N years old (on April 1) and under N + 2 years
# (on March 31, a child who was N years 11 months on April 1 is N + 1 years 11 months). Read as a filter:
# 「N歳クラスから」 = from N×12 months, 「N歳クラスまで」 = under (N+2)×12 months. 小学M年生 is the
# (5+M)歳クラス; 就学前 is "until the 5歳クラス ends" = under 84 months. Documented in docs/import.md.


@dataclasses.dataclass(frozen=True)
class Ages:
    """Whole months, max exclusive (as Service.min/max_age_months); None where the text says nothing."""

    min_months: int | None = None
    max_months: int | None = None
    for_pregnant: bool = False


_PREGNANT = re.compile(r"妊婦|妊娠|プレママ|マタニティ")
_NUM = r"(\d{1,2})"
_MONTH_UNIT = r"(?:か月|ヶ月|ケ月|カ月|ヵ月|箇月)"
_POINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^生後{_NUM}日(?:目)?$"), "days"),
    (re.compile(rf"^(?:生後)?{_NUM}{_MONTH_UNIT}(?:児)?$"), "months"),
    (re.compile(rf"^{_NUM}歳{_NUM}{_MONTH_UNIT}$"), "years_months"),
    (re.compile(rf"^{_NUM}歳(?:児)?クラス$"), "class"),
    (re.compile(rf"^{_NUM}歳(?:児)?$"), "years"),
    (re.compile(rf"^小学(?:校)?{_NUM}年(?:生)?$"), "grade"),
]
# "from" side: …から, …以上, …～ ; "to" side: …まで, …以下, …未満, ～… .
_LOWER_SUFFIX = re.compile(r"(から|以上|より)$")
_UPPER_SUFFIX = re.compile(r"(まで|以下|未満)$")


def _point(text: str, value: str) -> tuple[str, int, int]:
    """(kind, number, extra) of one age written alone."""
    for pattern, kind in _POINTS:
        match = pattern.match(text)
        if match:
            numbers = [int(g) for g in match.groups() if g is not None]
            return kind, numbers[0], numbers[1] if len(numbers) > 1 else 0
    raise NotationError(value)


def _lower_months(kind: str, number: int, extra: int) -> int:
    # 生後57日 → the month the child reaches that day (57 days is 1 whole month): the filter lets the
    # family see it and the text they read says 57日. Whole months round down.
    if kind == "days":
        return int(number // 30.4375)
    if kind == "months":
        return number
    if kind == "years_months":
        return number * 12 + extra
    if kind in {"years", "class"}:
        return number * 12
    return (5 + number) * 12  # grade: 小学M年生 are (5+M) on April 1


def _upper_months(kind: str, number: int, extra: int, *, exclusive: bool) -> int:
    """The exclusive month bound of "up to …": 3歳まで / 3歳以下 = under 48 months; 3歳未満 = under 36."""
    if kind == "class":
        return (number + 2) * 12
    if kind == "grade":
        return (5 + number + 2) * 12
    low = _lower_months(kind, number, extra)
    if exclusive:
        return low
    return low + (12 if kind == "years" else 1)


_SPECIAL_AGES: dict[str, Ages] = {
    "就学前": Ages(0, 84),
    "未就学児": Ages(0, 84),
    "乳幼児": Ages(0, 84),
    "小学生": Ages(72, 156),
    "中学生": Ages(144, 192),
    "高校生": Ages(180, 216),
    "どなたでも": Ages(),
    "制限なし": Ages(),
}


def parse_ages(value: str) -> Ages:
    """受入年齢 as written: 0歳から3歳, 生後57日から, 生後3か月, 1歳クラスから, 就学前, 小学3年生まで,
    18歳未満, 妊婦 (and combinations such as 妊婦と0歳から就学前). Raises NotationError otherwise."""
    text = fold(value).replace(" ", "").replace("ヵ", "か").replace("カ月", "か月")
    if not text:
        raise NotationError(value)
    pregnant = bool(_PREGNANT.search(text))
    text = _PREGNANT.sub("", text)
    text = re.sub(
        r"(?:の方|の方々|のお子さん|の子ども|の子|の児童|とその保護者|と保護者|および|及び|と|、|・|,)",
        " ",
        text,
    )
    text = re.sub(r"[(（].*?[)）]", " ", text).strip()
    if not text:
        if pregnant:
            return Ages(for_pregnant=True)
        raise NotationError(value)
    if text in _SPECIAL_AGES:
        return dataclasses.replace(_SPECIAL_AGES[text], for_pregnant=pregnant)
    low: int | None = None
    high: int | None = None
    parts = [p for p in re.split(r"\s+", text) if p]
    if len(parts) != 1:
        raise NotationError(value)
    text = parts[0]
    if "~" in text or ("から" in text and not text.endswith("から")):
        start, end = re.split(r"~|から", text, maxsplit=1)
        end = end.removeprefix("~")
        if start.isdigit():
            # 「0～2歳児」: the first number takes the unit written after the second.
            start += re.sub(r"^\d+", "", _UPPER_SUFFIX.sub("", end))
        if start:
            low = _lower_months(*_point(start, value))
        if end:
            exclusive = end.endswith("未満")
            end = _UPPER_SUFFIX.sub("", end)
            if end in {"就学前", "未就学"}:
                high = 84
            else:
                high = _upper_months(*_point(end, value), exclusive=exclusive)
    elif _LOWER_SUFFIX.search(text):
        low = _lower_months(*_point(_LOWER_SUFFIX.sub("", text), value))
    elif _UPPER_SUFFIX.search(text):
        exclusive = text.endswith("未満")
        high = _upper_months(*_point(_UPPER_SUFFIX.sub("", text), value), exclusive=exclusive)
    else:
        kind, number, extra = _point(text, value)
        if kind == "months" or kind == "days":
            # 「生後3か月」 alone says when a child may start.
            low = _lower_months(kind, number, extra)
        else:
            low = _lower_months(kind, number, extra)
            high = _upper_months(kind, number, extra, exclusive=False)
    if low is not None and high is not None and low >= high:
        raise NotationError(value)
    return Ages(low, high, pregnant)


# --- numbers, coordinates, phone numbers ---------------------------------------------------------------

# The bounding box of Japan (Minamitorishima to Yonaguni, Okinotorishima to Etorofu), with a margin.
LATITUDE_RANGE = (Decimal("20.0"), Decimal("46.0"))
LONGITUDE_RANGE = (Decimal("122.0"), Decimal("154.0"))


class SwappedCoordinates(NotationError):
    """緯度 and 経度 are each in the other's range: the columns were swapped."""


def _in(value: Decimal, bounds: tuple[Decimal, Decimal]) -> bool:
    return bounds[0] <= value <= bounds[1]


def decimal_of(value: str | float | int) -> Decimal:
    try:
        return Decimal(fold(str(value))).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise NotationError(str(value)) from None


def parse_coordinates(latitude: str, longitude: str) -> tuple[Decimal, Decimal] | None:
    """Both or neither; inside Japan. Raises SwappedCoordinates for a swapped pair, NotationError
    (with the offending value) for a value outside Japan or not a number."""
    lat_text, lng_text = fold(str(latitude or "")), fold(str(longitude or ""))
    if not lat_text and not lng_text:
        return None
    lat, lng = decimal_of(lat_text), decimal_of(lng_text)
    if _in(lat, LATITUDE_RANGE) and _in(lng, LONGITUDE_RANGE):
        return lat, lng
    if _in(lat, LONGITUDE_RANGE) and _in(lng, LATITUDE_RANGE):
        raise SwappedCoordinates(f"{latitude} / {longitude}")
    raise NotationError(str(latitude) if not _in(lat, LATITUDE_RANGE) else str(longitude))


def parse_count(value: str | int | float) -> int:
    """収容定員 as written: 60, ６０, 60人, 60名."""
    text = re.sub(r"(人|名)$", "", fold(str(value)).replace(",", ""))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not text.isdigit():
        raise NotationError(str(value))
    return int(text)


def normalize_phone(value: str) -> str:
    """Half-width digits and hyphens: ０３（１２３４）５６７８ → 03-1234-5678."""
    text = fold(str(value)).replace("~", "-")
    text = re.sub(r"\s*[()]\s*", "-", text).strip("-")
    return re.sub(r"-+", "-", text)


def parse_date(value: str | dt.date | dt.datetime) -> dt.date:
    """2026-04-01, 2026/4/1, 2026年4月1日, 令和8年4月1日 (a spreadsheet's date cell too)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = fold(value)
    era = re.match(r"^(令和|平成|昭和|R|H|S)(\d{1,2}|元)年(\d{1,2})月(\d{1,2})日$", text)
    if era:
        start = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988, "昭和": 1925, "S": 1925}[era.group(1)]
        year = start + (1 if era.group(2) == "元" else int(era.group(2)))
        parts = [year, int(era.group(3)), int(era.group(4))]
    else:
        match = re.match(r"^(\d{4})[~/.年](\d{1,2})[~/.月](\d{1,2})日?$", text)
        if not match:
            raise NotationError(value)
        parts = [int(g) for g in match.groups()]
    try:
        day = dt.date(*parts)
    except ValueError:
        raise NotationError(value) from None
    if not dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31):
        raise NotationError(value)
    return day


def city_code_is_valid(code: str) -> bool:
    """全国地方公共団体コード: 5 digits and a check digit (modulus 11, weights 6–2)."""
    if not re.fullmatch(r"\d{6}", code or ""):
        return False
    total = sum(int(d) * w for d, w in zip(code[:5], (6, 5, 4, 3, 2), strict=True))
    # 11 − remainder, keeping its last digit (remainder 0 → 1, remainder 1 → 0): 静岡県 220001.
    return int(code[5]) == (11 - total % 11) % 10
