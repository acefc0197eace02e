"""The seed's table of 地域子育て支援拠点事業 as small rule functions (事業の要件).

Each function takes plain values and returns the list of ``ValidationError`` it finds (empty when the
rule holds). Every message names the rule it enforces, and every error carries a ``code`` so tests and
callers can tell the rules apart. ``Hub.clean()``, ``PopupPlaza.clean()``, the forms (through the
services), the admin and imports all go through :func:`hub_errors` / :func:`popup_errors`, so the
rules live in this one place.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

GENERAL = "general"  # 一般型
COLLABORATIVE = "collaborative"  # 連携型

MIN_OPEN_DAYS = 3
MIN_DAILY_HOURS = {GENERAL: dt.timedelta(hours=5), COLLABORATIVE: dt.timedelta(hours=3)}
MIN_QUALIFIED_STAFF = {GENERAL: 2, COLLABORATIVE: 1}

PLACE_KINDS = {
    GENERAL: {"nursery", "public_space", "vacant_shop", "private_house", "apartment", "other"},
    COLLABORATIVE: {"child_welfare"},
}

# Add-ons (加算) and the hub type that may receive each.
ADDON_TYPES = {
    "addon_hub_base": GENERAL,  # 地域の子育て拠点としての取組
    "addon_popup": GENERAL,  # 出張ひろば
    "addon_community_support": GENERAL,  # 地域支援の取組
    "addon_community_capacity": COLLABORATIVE,  # 地域の子育て力を高める取組
}

POPUP_MIN_HOURS = dt.timedelta(hours=5)
POPUP_MAX_PER_WEEK = 2


@dataclass(frozen=True)
class Period:
    """One opening period on a weekday (0 = Monday)."""

    weekday: int
    opens_at: dt.time
    closes_at: dt.time

    @property
    def duration(self) -> dt.timedelta:
        return dt.datetime.combine(dt.date.min, self.closes_at) - dt.datetime.combine(
            dt.date.min, self.opens_at
        )


def periods_of(rows: Iterable) -> list[Period]:
    """Periods from anything with weekday/opens_at/closes_at (WeeklyHours rows, form data)."""
    return [Period(r.weekday, r.opens_at, r.closes_at) for r in rows]


def daily_hours(periods: Sequence[Period]) -> dict[int, dt.timedelta]:
    """Hours open per weekday (periods of one day added up); only weekdays that open appear."""
    totals: dict[int, dt.timedelta] = defaultdict(dt.timedelta)
    for period in periods:
        if period.closes_at > period.opens_at:
            totals[period.weekday] += period.duration
    return dict(sorted(totals.items()))


def open_days_band(hub_type: str, open_days: int) -> str | None:
    """開設日数の区分: 一般型 週3～4日 / 週5日 / 週6～7日; 連携型 週3～4日 / 週5～7日. None below 3 days."""
    if open_days < MIN_OPEN_DAYS:
        return None
    if open_days <= 4:
        return "3-4"
    if hub_type == COLLABORATIVE:
        return "5-7"
    return "5" if open_days == 5 else "6-7"


def schedule_errors(periods: Sequence[Period]) -> list[ValidationError]:
    """開設時間の入力: closing before (or at) opening, and overlapping periods of one day, are refused."""
    errors = []
    for p in periods:
        if p.closes_at <= p.opens_at:
            errors.append(
                ValidationError(
                    _("開設時間: %(day)s の終了時刻（%(closes)s）が開始時刻（%(opens)s）より前です。"),
                    code="close_before_open",
                    params={
                        "day": _weekday(p.weekday),
                        "opens": f"{p.opens_at:%H:%M}",
                        "closes": f"{p.closes_at:%H:%M}",
                    },
                )
            )
    by_day: dict[int, list[Period]] = defaultdict(list)
    for p in periods:
        if p.closes_at > p.opens_at:
            by_day[p.weekday].append(p)
    for weekday, day in sorted(by_day.items()):
        day.sort(key=lambda p: p.opens_at)
        if any(later.opens_at < earlier.closes_at for earlier, later in zip(day, day[1:], strict=False)):
            errors.append(
                ValidationError(
                    _("開設時間: %(day)s の時間帯が重なっています。"),
                    code="overlapping_hours",
                    params={"day": _weekday(weekday)},
                )
            )
    return errors


def open_days_errors(periods: Sequence[Period]) -> list[ValidationError]:
    """開設日数: 週3日以上 (both types; the seed's lowest band is 週3～4日)."""
    days = len(daily_hours(periods))
    if days < MIN_OPEN_DAYS:
        return [
            ValidationError(
                _("開設日数の要件: 週3日以上開設してください（現在 週%(days)s日）。"),
                code="open_days",
                params={"days": days},
            )
        ]
    return []


def daily_hours_errors(hub_type: str, periods: Sequence[Period]) -> list[ValidationError]:
    """開設時間: 一般型 1日5時間以上, 連携型 1日3時間以上, on every open day."""
    minimum = MIN_DAILY_HOURS[hub_type]
    short = [day for day, hours in daily_hours(periods).items() if hours < minimum]
    if not short:
        return []
    message = (
        _("開設時間の要件（一般型は1日5時間以上）: %(days)s の開設時間が足りません。")
        if hub_type == GENERAL
        else _("開設時間の要件（連携型は1日3時間以上）: %(days)s の開設時間が足りません。")
    )
    return [
        ValidationError(
            message, code="daily_hours", params={"days": "、".join(str(_weekday(d)) for d in short)}
        )
    ]


def staff_errors(hub_type: str, qualified: int, facility_helpers: int) -> list[ValidationError]:
    """従事者: 一般型 知識・経験を有する者2名以上; 連携型 1名以上 + 児童福祉施設等の職員の協力."""
    errors = []
    if qualified < MIN_QUALIFIED_STAFF[hub_type]:
        message = (
            _(
                "従事者の要件（一般型）: 子育てに関する知識・経験を有する者が2名以上必要です（現在 %(count)s名）。"
            )
            if hub_type == GENERAL
            else _(
                "従事者の要件（連携型）: 子育てに関する知識・経験を有する者が1名以上必要です（現在 %(count)s名）。"
            )
        )
        errors.append(ValidationError(message, code="qualified_staff", params={"count": qualified}))
    if hub_type == COLLABORATIVE and facility_helpers < 1:
        errors.append(
            ValidationError(
                _(
                    "従事者の要件（連携型）: 児童福祉施設等の職員の協力が必要です。協力する施設職員を1名以上登録してください。"
                ),
                code="facility_staff",
            )
        )
    return errors


def place_kind_errors(hub_type: str, place_kind: str) -> list[ValidationError]:
    """実施場所: 一般型 保育所・公共施設空きスペース・商店街空き店舗・民家・マンション等; 連携型 児童福祉施設等."""
    if place_kind in PLACE_KINDS[hub_type]:
        return []
    message = (
        _(
            "実施場所の要件（一般型）: 保育所、公共施設の空きスペース、商店街の空き店舗、民家、マンション・アパートの一室などで実施します。"
        )
        if hub_type == GENERAL
        else _("実施場所の要件（連携型）: 児童福祉施設等で実施します。")
    )
    return [ValidationError(message, code="place_kind")]


def addon_errors(
    hub_type: str, addons: Iterable[str], *, operator_runs_user_support: bool, has_permanent_site: bool
) -> list[ValidationError]:
    """加算: each add-on only for its type; 地域支援の取組 not with 利用者支援事業; 出張ひろば needs a permanent site."""
    addons = set(addons)
    errors = []
    for addon in sorted(addons):
        if ADDON_TYPES[addon] != hub_type:
            errors.append(
                ValidationError(
                    _("加算の要件: 「%(addon)s」は%(type)sの拠点だけが受けられます。"),
                    code=f"{addon}_type",
                    params={"addon": ADDON_LABELS[addon], "type": TYPE_LABELS[ADDON_TYPES[addon]]},
                )
            )
    if "addon_community_support" in addons and operator_runs_user_support:
        errors.append(
            ValidationError(
                _("加算の要件: 利用者支援事業を併せて実施する場合、「地域支援の取組」は加算されません。"),
                code="community_support_with_user_support",
            )
        )
    if "addon_popup" in addons and not has_permanent_site:
        errors.append(
            ValidationError(
                _("加算の要件: 出張ひろばは、常設の拠点施設を開設している主体だけが実施できます。"),
                code="popup_needs_permanent_site",
            )
        )
    return errors


def hub_errors(
    *,
    hub_type: str,
    place_kind: str,
    addons: Iterable[str],
    operator_runs_user_support: bool,
    has_permanent_site: bool,
    periods: Sequence[Period],
    qualified_staff: int,
    facility_staff: int,
) -> list[ValidationError]:
    """Every rule of the seed's table for one hub, in the table's order."""
    errors = schedule_errors(periods)
    valid = [p for p in periods if p.closes_at > p.opens_at]
    errors += staff_errors(hub_type, qualified_staff, facility_staff)
    errors += place_kind_errors(hub_type, place_kind)
    errors += open_days_errors(valid)
    errors += daily_hours_errors(hub_type, valid)
    errors += addon_errors(
        hub_type,
        addons,
        operator_runs_user_support=operator_runs_user_support,
        has_permanent_site=has_permanent_site,
    )
    return errors


@dataclass(frozen=True)
class PopupDay:
    """One date of a 出張ひろば with its hours."""

    date: dt.date
    opens_at: dt.time
    closes_at: dt.time


def popup_errors(
    *, hub_type: str, hub_has_popup_addon: bool, days: Sequence[PopupDay]
) -> list[ValidationError]:
    """出張ひろば: 一般型の加算として, 週1～2回, 1日5時間以上."""
    errors = []
    if hub_type != GENERAL or not hub_has_popup_addon:
        errors.append(
            ValidationError(
                _("出張ひろばの要件: 出張ひろばの加算を受ける一般型の拠点だけが実施できます。"),
                code="popup_addon",
            )
        )
    if any(d.closes_at <= d.opens_at for d in days):
        errors.append(
            ValidationError(_("出張ひろば: 終了時刻が開始時刻より前です。"), code="close_before_open")
        )
    elif any(Period(0, d.opens_at, d.closes_at).duration < POPUP_MIN_HOURS for d in days):
        errors.append(
            ValidationError(_("出張ひろばの要件: 1日5時間以上開設してください。"), code="popup_hours")
        )
    if not days:
        errors.append(
            ValidationError(_("出張ひろば: 開設する日付を1日以上入れてください。"), code="popup_no_dates")
        )
        return errors
    dates = [d.date for d in days]
    if len(set(dates)) != len(dates):
        errors.append(
            ValidationError(_("出張ひろば: 同じ日付が2回入っています。"), code="popup_duplicate_date")
        )
    weeks: dict[dt.date, int] = defaultdict(int)
    for date in set(dates):
        weeks[date - dt.timedelta(days=date.weekday())] += 1
    crowded = sorted(monday for monday, count in weeks.items() if count > POPUP_MAX_PER_WEEK)
    if crowded:
        errors.append(
            ValidationError(
                _("出張ひろばの要件: 週1～2回までです。%(weeks)s からの週に3回以上入っています。"),
                code="popup_per_week",
                params={"weeks": "、".join(f"{m:%Y-%m-%d}" for m in crowded)},
            )
        )
    first, last = min(weeks), max(weeks)
    mondays = (first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1))
    gaps = [monday for monday in mondays if monday not in weeks]
    if gaps:
        errors.append(
            ValidationError(
                _("出張ひろばの要件: 週1～2回開設します。%(weeks)s からの週に開設日がありません。"),
                code="popup_weekly_gap",
                params={"weeks": "、".join(f"{m:%Y-%m-%d}" for m in gaps)},
            )
        )
    return errors


def _weekday(day: int) -> str:
    from facilities.models import WeeklyHours

    return WeeklyHours.Weekday(day).label


TYPE_LABELS = {GENERAL: _("一般型"), COLLABORATIVE: _("連携型")}
ADDON_LABELS = {
    "addon_hub_base": _("地域の子育て拠点としての取組"),
    "addon_popup": _("出張ひろば"),
    "addon_community_support": _("地域支援の取組"),
    "addon_community_capacity": _("地域の子育て力を高める取組"),
}
