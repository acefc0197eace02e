"""The rules of the 地域子育て支援拠点事業 as one table with effective dates, and small rule functions.

The numbers come from 「地域子育て支援拠点事業実施要綱」, 別紙 of the notice 「地域子育て支援拠点事業の
実施について」 (平成26年5月29日 雇児発0529第18号, 厚生労働省雇用均等・児童家庭局長通知), applied from
2014-04-01. That notice was revised (平成27年5月21日 雇児発0521第13号; 平成29年4月3日 雇児発0403第18号)
and later re-issued by こども家庭庁; we have not checked that no revision changed one of these numbers,
so the table has one edition dated from the first application date. A revision is one more
:class:`Edition` in :data:`EDITIONS` with its own document and date; messages, help texts and tests
read the numbers from the table.

Each rule function takes plain values and returns the list of ``ValidationError`` it finds (empty when
the rule holds). Every error carries its :class:`Rule`'s ``code``; the rule also says which part of a
hub's record it is about (:func:`section_of`), so pages show the message next to what must change.
``Hub.clean()``, ``PopupPlaza.clean()``, the services, the admin and imports all go through
:func:`hub_errors` / :func:`popup_errors`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENERAL = "general"  # 一般型
COLLABORATIVE = "collaborative"  # 連携型

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


# --- the table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """The national document a rule's numbers come from."""

    title: str
    notice: str
    applies_from: dt.date

    def __str__(self) -> str:
        return f"{self.title}（{self.notice}）"


JISSHI_YOKO_2014 = Source(
    title="地域子育て支援拠点事業実施要綱",
    notice="平成26年5月29日 雇児発0529第18号「地域子育て支援拠点事業の実施について」別紙",
    applies_from=dt.date(2014, 4, 1),
)


@dataclass(frozen=True)
class Edition:
    """The numbers of the hub rules in force from ``effective_from`` until the next edition."""

    effective_from: dt.date
    source: Source
    min_open_days: int
    # 開設日数の区分 (週3～4日 / 週5日 / ...): (fewest, most) open days a week, per hub type.
    open_day_bands: dict[str, tuple[tuple[int, int], ...]]
    min_daily_hours: dict[str, dt.timedelta]
    min_qualified_staff: dict[str, int]
    min_facility_staff: dict[str, int]
    popup_min_hours: dt.timedelta
    popup_per_week: tuple[int, int]  # (fewest, most) 出張ひろば dates a week


EDITIONS: tuple[Edition, ...] = (
    Edition(
        effective_from=JISSHI_YOKO_2014.applies_from,
        source=JISSHI_YOKO_2014,
        min_open_days=3,
        open_day_bands={GENERAL: ((3, 4), (5, 5), (6, 7)), COLLABORATIVE: ((3, 4), (5, 7))},
        min_daily_hours={GENERAL: dt.timedelta(hours=5), COLLABORATIVE: dt.timedelta(hours=3)},
        min_qualified_staff={GENERAL: 2, COLLABORATIVE: 1},
        min_facility_staff={GENERAL: 0, COLLABORATIVE: 1},
        popup_min_hours=dt.timedelta(hours=5),
        popup_per_week=(1, 2),
    ),
)


def edition_on(day: dt.date) -> Edition:
    """The edition in force on ``day`` (the first one for days before it: nothing older is known)."""
    in_force = [e for e in EDITIONS if e.effective_from <= day]
    return max(in_force, key=lambda e: e.effective_from) if in_force else EDITIONS[0]


def in_force() -> Edition:
    """The edition in force today (what help texts show)."""
    return edition_on(timezone.localdate())


@dataclass(frozen=True)
class Rule:
    """One rule: its error code and the part of a hub's record it is about.

    Sections: ``hub`` (type, place, add-ons), ``hours`` (the weekly schedule), ``staff`` (従事者),
    ``popup`` (出張ひろば dates).
    """

    code: str
    section: str

    def error(self, message, **params) -> ValidationError:
        return ValidationError(message, code=self.code, params=params or None)


CLOSE_BEFORE_OPEN = Rule("close_before_open", "hours")
OVERLAPPING_HOURS = Rule("overlapping_hours", "hours")
OPEN_DAYS = Rule("open_days", "hours")
DAILY_HOURS = Rule("daily_hours", "hours")
QUALIFIED_STAFF = Rule("qualified_staff", "staff")
FACILITY_STAFF = Rule("facility_staff", "staff")
PLACE_KIND = Rule("place_kind", "hub")
ADDON_TYPE = {name: Rule(f"{name}_type", "hub") for name in ADDON_TYPES}
COMMUNITY_SUPPORT_WITH_USER_SUPPORT = Rule("community_support_with_user_support", "hub")
POPUP_NEEDS_PERMANENT_SITE = Rule("popup_needs_permanent_site", "hub")
POPUP_ADDON = Rule("popup_addon", "popup")
POPUP_CLOSE_BEFORE_OPEN = Rule("close_before_open", "popup")
POPUP_HOURS = Rule("popup_hours", "popup")
POPUP_NO_DATES = Rule("popup_no_dates", "popup")
POPUP_DUPLICATE_DATE = Rule("popup_duplicate_date", "popup")
POPUP_PAST_DATE = Rule("popup_past_date", "popup")
POPUP_PER_WEEK = Rule("popup_per_week", "popup")
POPUP_WEEKLY_GAP = Rule("popup_weekly_gap", "popup")

HUB_RULES = {
    rule.code: rule
    for rule in (
        CLOSE_BEFORE_OPEN,
        OVERLAPPING_HOURS,
        OPEN_DAYS,
        DAILY_HOURS,
        QUALIFIED_STAFF,
        FACILITY_STAFF,
        PLACE_KIND,
        *ADDON_TYPE.values(),
        COMMUNITY_SUPPORT_WITH_USER_SUPPORT,
        POPUP_NEEDS_PERMANENT_SITE,
    )
}
HUB_SECTIONS = ("hub", "hours", "staff")


def section_of(error: ValidationError) -> str:
    """The part of the hub form a rule error belongs to; ``general`` for field checks."""
    rule = HUB_RULES.get(error.code or "")
    return rule.section if rule else "general"


def hours_text(hours: dt.timedelta) -> str:
    """「5時間」「4時間30分」 in the active language."""
    whole, minutes = divmod(int(hours.total_seconds()) // 60, 60)
    if minutes:
        return str(_("%(hours)d時間%(minutes)d分") % {"hours": whole, "minutes": minutes})
    return str(_("%(hours)d時間") % {"hours": whole})


def band_key(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def band_label(low: int, high: int) -> str:
    if low == high:
        return str(_("週%(days)d日") % {"days": low})
    return str(_("週%(low)d～%(high)d日") % {"low": low, "high": high})


def band_choices(hub_type: str, edition: Edition | None = None) -> list[tuple[str, str]]:
    """(key, label) of each 開設日数の区分 of a hub type, fewest days first."""
    edition = edition or in_force()
    return [(band_key(*band), band_label(*band)) for band in edition.open_day_bands[hub_type]]


def staff_rule_text(edition: Edition) -> str:
    """The 従事者 rule as help text, built from the table."""
    return str(
        _(
            "一般型は知識・経験を有する者%(general)d名以上、連携型は%(collaborative)d名以上と協力する施設職員が必要です。"
        )
        % {
            "general": edition.min_qualified_staff[GENERAL],
            "collaborative": edition.min_qualified_staff[COLLABORATIVE],
        }
    )


def popup_rule_text(edition: Edition) -> str:
    """The 出張ひろば rule as help text, built from the table."""
    fewest, most = edition.popup_per_week
    return str(
        _("週%(fewest)d～%(most)d回、1日%(hours)s以上。")
        % {"fewest": fewest, "most": most, "hours": hours_text(edition.popup_min_hours)}
    )


# --- schedules -------------------------------------------------------------------------------------
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


def open_days_band(hub_type: str, open_days: int, edition: Edition | None = None) -> str | None:
    """開設日数の区分 a hub falls in (see ``Edition.open_day_bands``); None below the fewest days."""
    edition = edition or in_force()
    for low, high in edition.open_day_bands[hub_type]:
        if low <= open_days <= high:
            return band_key(low, high)
    return None


def schedule_errors(periods: Sequence[Period]) -> list[ValidationError]:
    """開設時間の入力: closing before (or at) opening, and overlapping periods of one day, are refused."""
    errors = [
        CLOSE_BEFORE_OPEN.error(
            _("開設時間: %(day)s の終了時刻（%(closes)s）が開始時刻（%(opens)s）より前です。"),
            day=_weekday(p.weekday),
            opens=f"{p.opens_at:%H:%M}",
            closes=f"{p.closes_at:%H:%M}",
        )
        for p in periods
        if p.closes_at <= p.opens_at
    ]
    by_day: dict[int, list[Period]] = defaultdict(list)
    for p in periods:
        if p.closes_at > p.opens_at:
            by_day[p.weekday].append(p)
    for weekday, day in sorted(by_day.items()):
        day.sort(key=lambda p: p.opens_at)
        if any(later.opens_at < earlier.closes_at for earlier, later in zip(day, day[1:], strict=False)):
            errors.append(
                OVERLAPPING_HOURS.error(
                    _("開設時間: %(day)s の時間帯が重なっています。"), day=_weekday(weekday)
                )
            )
    return errors


def open_days_errors(periods: Sequence[Period], edition: Edition) -> list[ValidationError]:
    """開設日数: at least the lowest band's days a week, both types."""
    days = len(daily_hours(periods))
    if days < edition.min_open_days:
        return [
            OPEN_DAYS.error(
                _("開設日数の要件: 週%(min)s日以上開設してください（現在 週%(days)s日）。"),
                min=edition.min_open_days,
                days=days,
            )
        ]
    return []


def daily_hours_errors(hub_type: str, periods: Sequence[Period], edition: Edition) -> list[ValidationError]:
    """開設時間: the type's minimum hours on every open day."""
    minimum = edition.min_daily_hours[hub_type]
    short = [day for day, hours in daily_hours(periods).items() if hours < minimum]
    if not short:
        return []
    return [
        DAILY_HOURS.error(
            _("開設時間の要件（%(type)sは1日%(hours)s以上）: %(days)s の開設時間が足りません。"),
            type=TYPE_LABELS[hub_type],
            hours=hours_text(minimum),
            days="、".join(str(_weekday(d)) for d in short),
        )
    ]


def staff_errors(
    hub_type: str, qualified: int, facility_helpers: int, edition: Edition
) -> list[ValidationError]:
    """従事者: 子育てに関する知識・経験を有する者 (一般型, 連携型) and, for 連携型, 児童福祉施設等の職員の協力."""
    errors = []
    if qualified < edition.min_qualified_staff[hub_type]:
        errors.append(
            QUALIFIED_STAFF.error(
                _(
                    "従事者の要件（%(type)s）: 子育てに関する知識・経験を有する者が%(min)s名以上必要です（現在 %(count)s名）。"
                ),
                type=TYPE_LABELS[hub_type],
                min=edition.min_qualified_staff[hub_type],
                count=qualified,
            )
        )
    if facility_helpers < edition.min_facility_staff[hub_type]:
        errors.append(
            FACILITY_STAFF.error(
                _(
                    "従事者の要件（%(type)s）: 児童福祉施設等の職員の協力が必要です。協力する施設職員を%(min)s名以上登録してください。"
                ),
                type=TYPE_LABELS[hub_type],
                min=edition.min_facility_staff[hub_type],
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
    return [PLACE_KIND.error(message)]


def addon_errors(
    hub_type: str, addons: Iterable[str], *, operator_runs_user_support: bool, has_permanent_site: bool
) -> list[ValidationError]:
    """加算: each add-on only for its type; 地域支援の取組 not with 利用者支援事業; 出張ひろば needs a permanent site."""
    addons = set(addons)
    errors = [
        ADDON_TYPE[addon].error(
            _("加算の要件: 「%(addon)s」は%(type)sの拠点だけが受けられます。"),
            addon=ADDON_LABELS[addon],
            type=TYPE_LABELS[ADDON_TYPES[addon]],
        )
        for addon in sorted(addons)
        if ADDON_TYPES[addon] != hub_type
    ]
    if "addon_community_support" in addons and operator_runs_user_support:
        errors.append(
            COMMUNITY_SUPPORT_WITH_USER_SUPPORT.error(
                _("加算の要件: 利用者支援事業を併せて実施する場合、「地域支援の取組」は加算されません。")
            )
        )
    if "addon_popup" in addons and not has_permanent_site:
        errors.append(
            POPUP_NEEDS_PERMANENT_SITE.error(
                _("加算の要件: 出張ひろばは、常設の拠点施設を開設している主体だけが実施できます。")
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
    on: dt.date,
    unchanged: Collection[str] = (),
    approved_on: dt.date | None = None,
) -> list[ValidationError]:
    """Every hub rule, in the 実施要綱's order, against the edition in force on ``on``.

    Sections in ``unchanged`` (see :data:`HUB_SECTIONS`) are checked against the edition in force on
    ``approved_on`` (the hub's last approval) instead: a hub approved under one edition is not
    refused on an unrelated edit (a phone number) after a revision; what changes meets today's rules.
    """

    def edition(section: str) -> Edition:
        return edition_on(approved_on if approved_on and section in unchanged else on)

    errors = schedule_errors(periods)
    valid = [p for p in periods if p.closes_at > p.opens_at]
    errors += staff_errors(hub_type, qualified_staff, facility_staff, edition("staff"))
    errors += place_kind_errors(hub_type, place_kind)
    errors += open_days_errors(valid, edition("hours"))
    errors += daily_hours_errors(hub_type, valid, edition("hours"))
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


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def popup_errors(
    *,
    hub_type: str,
    hub_has_popup_addon: bool,
    days: Sequence[PopupDay],
    kept_days: Sequence[PopupDay] = (),
    today: dt.date,
) -> list[ValidationError]:
    """出張ひろば: 一般型の加算として, per hub and week across all its 出張ひろば dates.

    ``days`` are the dates being added or changed (not in the past; each long enough under the
    edition in force on that date); ``kept_days`` are the hub's other dates. Weeks are counted over
    both, from this week on (a past week is history); a week's limits are those in force on its Monday.
    A week with too few dates is refused only between the hub's first and last date and once it
    has not begun, so a withdrawn date this week never blocks the next change.
    """
    errors = []
    if hub_type != GENERAL or not hub_has_popup_addon:
        errors.append(
            POPUP_ADDON.error(_("出張ひろばの要件: 出張ひろばの加算を受ける一般型の拠点だけが実施できます。"))
        )
    if any(d.closes_at <= d.opens_at for d in days):
        errors.append(POPUP_CLOSE_BEFORE_OPEN.error(_("出張ひろば: 終了時刻が開始時刻より前です。")))
    else:
        short = sorted(
            {
                d.date
                for d in days
                if Period(0, d.opens_at, d.closes_at).duration < edition_on(d.date).popup_min_hours
            }
        )
        if short:
            errors.append(
                POPUP_HOURS.error(
                    _("出張ひろばの要件: 1日%(hours)s以上開設してください（%(dates)s）。"),
                    hours=hours_text(edition_on(short[0]).popup_min_hours),
                    dates="、".join(f"{d:%Y-%m-%d}" for d in short),
                )
            )
    past = sorted({d.date for d in days if d.date < today})
    if past:
        errors.append(
            POPUP_PAST_DATE.error(
                _("出張ひろば: 過ぎた日付は登録できません（%(dates)s）。"),
                dates="、".join(f"{d:%Y-%m-%d}" for d in past),
            )
        )
    dates = [d.date for d in (*days, *kept_days)]
    if len(set(dates)) != len(dates):
        errors.append(POPUP_DUPLICATE_DATE.error(_("出張ひろば: 同じ日付が2回入っています。")))
    this_week = _monday(today)
    weeks: dict[dt.date, int] = defaultdict(int)
    for date in set(dates):
        if date >= this_week:
            weeks[_monday(date)] += 1
    if not weeks:
        return errors
    crowded = sorted(m for m, count in weeks.items() if count > edition_on(m).popup_per_week[1])
    if crowded:
        fewest, most = edition_on(crowded[0]).popup_per_week
        errors.append(
            POPUP_PER_WEEK.error(
                _(
                    "出張ひろばの要件: 週%(fewest)s～%(most)s回までです。%(weeks)s からの週に多すぎる日付が入っています。"
                ),
                fewest=fewest,
                most=most,
                weeks="、".join(f"{m:%Y-%m-%d}" for m in crowded),
            )
        )
    first, last = min(weeks), max(weeks)
    mondays = (first + dt.timedelta(weeks=i) for i in range((last - first).days // 7 + 1))
    short_weeks = [m for m in mondays if m > today and weeks.get(m, 0) < edition_on(m).popup_per_week[0]]
    if short_weeks:
        fewest, most = edition_on(short_weeks[0]).popup_per_week
        errors.append(
            POPUP_WEEKLY_GAP.error(
                _(
                    "出張ひろばの要件: 週%(fewest)s～%(most)s回開設します。%(weeks)s からの週に開設日が足りません。"
                ),
                fewest=fewest,
                most=most,
                weeks="、".join(f"{m:%Y-%m-%d}" for m in short_weeks),
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
