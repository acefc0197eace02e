"""予約枠の種類 (session kinds): one policy object per kind, the one place that says who may book a
session, how many seats it has, what parents read as 「対象」, when booking opens and closes, and
what the parent is told.

A session stores its kind (``Session.kind``); every caller (forms, views, selectors, template tags,
the services and the consultations 代理予約 page) asks ``session.policy`` or
``Session.ineligibility_reason`` instead of guessing the kind from other fields. Adding a kind is
one ``@register``-ed class here plus its tests: the field's choices come from this registry.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Protocol

from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from facilities.models import age_range_text, age_text
from portal.dates import add_months
from portal.models import Role


# What a policy reads and sets on a session and a child (``facilities.bookings.models.Session`` and
# ``Child``): the models import this module for the kinds' choices, so it names no model itself.
class PolicySession(Protocol):
    capacity: int
    min_age_months: int | None
    max_age_months: int | None
    for_pregnant: bool

    @property
    def date(self) -> dt.date: ...


class PolicyChild(Protocol):
    nickname: str
    is_pregnancy: bool
    birth_date: dt.date | None
    due_date: dt.date | None

    def age_months_on(self, day: dt.date) -> int | None: ...


_POLICIES: dict[str, SessionKindPolicy] = {}


def register(cls: type[SessionKindPolicy]) -> type[SessionKindPolicy]:
    _POLICIES[cls.value] = cls()
    return cls


def policy_for(kind: str) -> SessionKindPolicy:
    return _POLICIES[kind]


def choices() -> list[tuple[str, Promise]]:
    """The field's choices, in registration order (a callable, so a new kind needs no migration)."""
    return [(policy.value, policy.label) for policy in _POLICIES.values()]


def creatable_by(role: str) -> list[SessionKindPolicy]:
    return [policy for policy in _POLICIES.values() if role in policy.created_by]


def occupying_child() -> list[str]:
    """Kinds whose booking holds the child for its hours (two of them cannot overlap)."""
    return [policy.value for policy in _POLICIES.values() if policy.occupies_child]


def _day(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


class SessionKindPolicy:
    """The rules of one kind of 予約枠. The defaults are those of a course or event (講座・イベント)."""

    value: ClassVar[str]
    label: ClassVar[Promise]
    # Shown to parents next to the session (None: nothing to add).
    note: ClassVar[Promise | None] = None
    # A fixed number of seats (an appointment has one), or None: staff set the capacity.
    fixed_capacity: ClassVar[int | None] = None
    # Whether the booking holds the child for the session's hours: two such bookings of one child
    # cannot overlap. An appointment is the parent's, whichever profile it was booked under.
    occupies_child: ClassVar[bool] = True
    # Which staff roles create sessions of this kind.
    created_by: ClassVar[frozenset[str]] = frozenset({Role.CITY_STAFF, Role.HUB_STAFF})
    # Whether the session is given to a 利用者支援専門員 (the creating specialist runs it).
    has_specialist: ClassVar[bool] = False
    # Booking window: opens this many days before at 00:00, closes (and cancelling ends) at this
    # time the day before.
    opens_days_before: ClassVar[int] = 30
    closes_day_before_at: ClassVar[dt.time] = dt.time(17, 0)

    def window(
        self, starts_at: dt.datetime, *, now: dt.datetime | None = None
    ) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
        """(opens_at, closes_at, cancel_cutoff) for a session starting at ``starts_at``.

        A session made after its usual closing time (later today, or tomorrow after 17:00) stays
        bookable until it starts: staff make such sessions for families who are already asking.
        """
        now = now or timezone.now()
        tz = timezone.get_current_timezone()
        day = timezone.localtime(starts_at).date()
        opens_at = dt.datetime.combine(
            day - dt.timedelta(days=self.opens_days_before), dt.time(0, 0), tzinfo=tz
        )
        closes_at = dt.datetime.combine(day - dt.timedelta(days=1), self.closes_day_before_at, tzinfo=tz)
        if closes_at <= now:
            closes_at = starts_at
        return opens_at, closes_at, closes_at

    def prepare(self, session: PolicySession) -> None:
        """Clear what this kind does not use, so a stored session says only what applies."""
        if self.fixed_capacity is not None:
            session.capacity = self.fixed_capacity

    def audience_label(self, session: PolicySession) -> str:
        """「対象」 as parents read it."""
        parts = [
            age_range_text(session.min_age_months, session.max_age_months)
            if session.min_age_months or session.max_age_months is not None
            else gettext("お子さん（年齢の制限はありません）")
        ]
        if session.for_pregnant:
            parts.append(gettext("妊娠中の方"))
        return gettext("、").join(parts)

    def ineligibility_reason(self, session: PolicySession, child: PolicyChild) -> str | None:
        """Why ``child`` cannot book ``session``, in words for the parent; None when it can."""
        if child.is_pregnancy:
            if not session.for_pregnant:
                return gettext("%(name)s さん（妊娠中）はこの回の対象ではありません（対象：%(label)s）。") % {
                    "name": child.nickname,
                    "label": self.audience_label(session),
                }
            return _due_date_reason(session, child)
        return _age_reason(session, child)


def _age_reason(session: PolicySession, child: PolicyChild) -> str | None:
    """Too young until a date, or too old since one: ages are whole months on the session date."""
    months = child.age_months_on(session.date)
    low, high = session.min_age_months, session.max_age_months
    if months < (low or 0):
        return gettext("%(name)s さんは %(date)s から対象です（%(age)sから）。") % {
            "name": child.nickname,
            "date": _day(add_months(child.birth_date, low or 0)),
            "age": age_text(low or 0),
        }
    if high is not None and months >= high:
        return gettext("%(name)s さんは %(date)s で対象の年齢（%(age)s未満）を過ぎました。") % {
            "name": child.nickname,
            "date": _day(add_months(child.birth_date, high)),
            "age": age_text(high),
        }
    return None


def _due_date_reason(session: PolicySession, child: PolicyChild) -> str | None:
    """A pregnancy profile fits sessions up to its due date."""
    if child.due_date >= session.date:
        return None
    if child.due_date < timezone.localdate():
        return gettext(
            "%(name)s さんの出産予定日（%(date)s）を過ぎています。お生まれになったら、お子さんの情報に切り替えてください。"
        ) % {"name": child.nickname, "date": _day(child.due_date)}
    return gettext("%(name)s さんの出産予定日（%(date)s）は、この回の日より前です。") % {
        "name": child.nickname,
        "date": _day(child.due_date),
    }


@register
class Course(SessionKindPolicy):
    """講座・イベント: children in the age range, and a pregnancy when the session says so."""

    value = "course"
    label = _("講座・イベント")


@register
class TemporaryCare(SessionKindPolicy):
    """一時預かり: the child is cared for without the parent, so only children, by age."""

    value = "temporary_care"
    label = _("一時預かり")

    def prepare(self, session: PolicySession) -> None:
        super().prepare(session)
        session.for_pregnant = False


@register
class PopupPlaza(SessionKindPolicy):
    """出張ひろば: a hub's pop-up plaza day; families may also come without booking (walk-ins take
    a free seat, see ``services.walk_in_add``)."""

    value = "popup"
    label = _("出張ひろば")
    note = _("予約なしでも、席が空いていれば参加できます。")


@register
class PregnancyClass(SessionKindPolicy):
    """両親学級・母親学級: for a pregnancy (up to its due date), never a child's age."""

    value = "pregnancy_class"
    label = _("両親学級・母親学級")
    note = _("妊娠中の方の講座です。出産予定日を登録して予約してください。")

    def prepare(self, session: PolicySession) -> None:
        super().prepare(session)
        session.min_age_months = session.max_age_months = None
        session.for_pregnant = True

    def audience_label(self, session: PolicySession) -> str:
        return gettext("妊娠中の方（出産予定日が開催日以降の方）")

    def ineligibility_reason(self, session: PolicySession, child: PolicyChild) -> str | None:
        if not child.is_pregnancy:
            return gettext("%(name)s さんはこの回の対象ではありません（この回は妊娠中の方の講座です）。") % {
                "name": child.nickname
            }
        return _due_date_reason(session, child)


@register
class Appointment(SessionKindPolicy):
    """相談予約: one seat with a 利用者支援専門員, for any parent; the profile chosen only says
    whose matter it is."""

    value = "appointment"
    label = _("相談予約")
    note = _("保護者の方の相談です。どのお子さん（妊娠中の方）のことでも予約できます。")
    fixed_capacity = 1
    occupies_child = False
    created_by = frozenset({Role.SPECIALIST})
    has_specialist = True

    def prepare(self, session: PolicySession) -> None:
        super().prepare(session)
        session.min_age_months = session.max_age_months = None
        session.for_pregnant = False

    def audience_label(self, session: PolicySession) -> str:
        return gettext("保護者の方どなたでも")

    def ineligibility_reason(self, session: PolicySession, child: PolicyChild) -> str | None:
        return None
