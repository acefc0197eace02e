"""日付の範囲: the sane ranges of dates people type, in one place for every app.

A date typed by mistake (``0001-01-01``, ``9999-12-31``, 2091 for 2019) must be refused where the
record is saved, not only in a form: a BC timestamp cannot even be read back by psycopg, and one such
row took a site's whole case list down (#11). Models call ``RANGE.check(value, field=..., anchor=...)``
in ``clean()``; ``FLOOR``/``CEILING`` are the absolute bounds a ``CheckConstraint`` can hold, since a
database constraint cannot know what "today" is.

A range is relative to an *anchor* day: today for a new record, the record's own opening day for one
being edited, so that a record that was valid when saved stays valid as time passes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# No record of this portal (contacts, bookings, reports) predates 2000; nor does a child of 18 or less.
FLOOR = dt.date(2000, 1, 1)
# Exclusive: far beyond any plan (follow-ups reach 2 years ahead), short of 9999 and overflow.
CEILING = dt.date(2100, 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return day.replace(year=year, month=month + 1, day=min(day.day, calendar.monthrange(year, month + 1)[1]))


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def previous_month(day: dt.date) -> dt.date:
    """The first day of the month before ``day``'s (the month a monthly report is due for)."""
    return add_months(first_of_month(day), -1)


def next_month(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s."""
    return add_months(first_of_month(day), 1)


def months_ago(day: dt.date, months: int) -> dt.date:
    """``day`` moved back by whole months on a day every month has (at most the 28th): demo birthdays
    and first visits that stay on the same day of the month whatever today is."""
    return add_months(day.replace(day=min(day.day, 28)), -months)


def floor_datetime() -> dt.datetime:
    """``FLOOR`` as a moment in the portal's time zone, for datetime fields and their constraints."""
    return dt.datetime.combine(FLOOR, dt.time.min, timezone.get_default_timezone())


def ceiling_datetime() -> dt.datetime:
    return dt.datetime.combine(CEILING, dt.time.min, timezone.get_default_timezone())


@dataclass(frozen=True)
class DateRange:
    """A window of allowed dates around an anchor day (today unless the record says otherwise)."""

    earliest: Callable[[dt.date], dt.date]
    latest: Callable[[dt.date], dt.date]
    too_early: Promise
    too_late: Promise

    def bounds(self, anchor: dt.date | None = None) -> tuple[dt.date, dt.date]:
        anchor = anchor or timezone.localdate()
        return max(self.earliest(anchor), FLOOR), min(self.latest(anchor), CEILING - dt.timedelta(days=1))

    def error(
        self, value: dt.date | None, *, anchor: dt.date | None = None, stored: object = None
    ) -> str | None:
        """The message for a date outside the range; None when it is inside, unknown, or equal to the
        ``stored`` value (a relative range is not checked again on an unchanged value)."""
        if value is None or value == stored:
            return None
        earliest, latest = self.bounds(anchor)
        if value < earliest:
            return self.too_early % {"date": formats.date_format(earliest, "Y-m-d")}
        if value > latest:
            return self.too_late % {"date": formats.date_format(latest, "Y-m-d")}
        return None

    def check(self, value: dt.date | None, *, field: str, anchor: dt.date | None = None) -> None:
        """Raise a ValidationError on ``field`` when ``value`` is outside the range."""
        if message := self.error(value, anchor=anchor):
            raise ValidationError({field: message})

    def widget_attrs(self, anchor: dt.date | None = None) -> dict[str, str]:
        """``min``/``max`` for an ``<input type="date">`` (a hint; the model decides)."""
        earliest, latest = self.bounds(anchor)
        return {"min": earliest.isoformat(), "max": latest.isoformat()}


# Something that has happened: a contact, a referral and its outcome, a meeting (地域連携), a consent,
# a closing date, 情報確認日.
PAST = DateRange(
    earliest=lambda _day: FLOOR,
    latest=lambda day: day,
    too_early=_("%(date)s より前の日付は入れられません。"),
    too_late=_("未来の日付は入れられません（%(date)s まで）。"),
)
# フォローアップの期日: from the day it is planned, at most 2 years ahead.
FOLLOW_UP = DateRange(
    earliest=lambda day: day,
    latest=lambda day: add_months(day, 24),
    too_early=_("過去の日付は入れられません（%(date)s から）。"),
    too_late=_("2年より先の日付は入れられません（%(date)s まで）。"),
)
# 子どもの生年月日: born, and 18 or younger (the programs serve children up to 18).
BIRTH = DateRange(
    earliest=lambda day: add_months(day, -18 * 12),
    latest=lambda day: day,
    too_early=_("18歳以下の子どもの生年月日を入れてください（%(date)s 以降）。"),
    too_late=_("生年月日に未来の日付は入れられません。"),
)
# 出産予定日: a pregnancy lasts about 10 months; a due date a month past is still a pregnancy.
DUE = DateRange(
    earliest=lambda day: add_months(day, -1),
    latest=lambda day: add_months(day, 10),
    too_early=_("出産予定日は %(date)s 以降の日付を入れてください。"),
    too_late=_("出産予定日は10か月以内の日付を入れてください（%(date)s まで）。"),
)

# 出産予定日 on a parent's own profile (予約): at most two weeks past; after that the portal offers to
# record the birth instead (#16). A case record keeps DUE's month.
DUE_PROFILE = DateRange(
    earliest=lambda day: day - dt.timedelta(days=14),
    latest=lambda day: add_months(day, 10),
    too_early=_(
        "出産予定日は %(date)s 以降の日付を入れてください。お生まれになったら、生年月日で登録してください。"
    ),
    too_late=DUE.too_late,
)


def past_moment_error(
    value: dt.datetime | None, *, stored: object = None, slack: dt.timedelta = dt.timedelta(minutes=1)
) -> str | None:
    """A moment that has happened (相談日時): not before ``FLOOR``, not later than now (+ clock slack);
    None when unknown or equal to the ``stored`` value (as ``DateRange.error``).

    Compared as aware datetimes: converting a year-1 value to a date in another zone would overflow.
    """
    if value is None or value == stored:
        return None
    if value < floor_datetime():
        return PAST.too_early % {"date": FLOOR.isoformat()}
    if value > timezone.now() + slack:
        return _("未来の日時は入れられません。")
    return None


def stored_value(instance: models.Model, field: str) -> object:
    """The value of ``field`` as last saved (None for a new record).

    Relative ranges are checked only on a value that changed: a due date that was right when typed
    must not block an edit of the same record a year later.
    """
    if instance.pk is None:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).values_list(field, flat=True).first()


def sane_constraint(field: str, *, moment: bool = False) -> models.CheckConstraint:
    """The database's own guard: ``FLOOR`` ≤ value < ``CEILING`` (or unknown), whatever path wrote it."""
    low, high = (floor_datetime(), ceiling_datetime()) if moment else (FLOOR, CEILING)
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True})
        | models.Q(**{f"{field}__gte": low, f"{field}__lt": high}),
        name=f"%(app_label)s_%(class)s_{field}_sane",
        violation_error_message=format_lazy(
            _("日付が範囲外です（{floor}〜{ceiling}）。"),
            floor=FLOOR.isoformat(),
            ceiling=(CEILING - dt.timedelta(days=1)).isoformat(),
        ),
    )


class DateRangeField(forms.DateField):
    """A form date held to a ``DateRange``: the browser gets ``min``/``max`` (a hint), the server the
    message. For plain forms; a model form leaves it to the model, which knows the stored value."""

    def __init__(self, *, date_range: DateRange, **kwargs):
        self.date_range = date_range
        super().__init__(**kwargs)

    def validate(self, value: dt.date | None) -> None:
        super().validate(value)
        if message := self.date_range.error(value):
            raise ValidationError(message, code="out_of_range")

    def get_bound_field(self, form, field_name):
        # Each form holds its own copy of the field, so today's bounds are set per form.
        self.widget.attrs.update(self.date_range.widget_attrs())
        return super().get_bound_field(form, field_name)
