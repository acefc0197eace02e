"""Demo sessions for the coming four weeks (一時預かり slots, hub courses, 出張ひろば days, specialist
appointments), children of the demo parents and a few bookings.

Sessions are looked up by (service, start), children by (parent, nickname), bookings by (session,
child): seeding twice changes nothing; seeding on a later day adds the newly coming dates.
"""

from __future__ import annotations

import datetime as dt

import holidays
from django.utils import timezone

from facilities.bookings.models import Booking, Child, Session
from facilities.bookings.services import session_create
from facilities.models import Service
from portal import mail
from portal.demo import demo_user

WEEKS_AHEAD = 4

# (service name, kind, title, weekdays, start, end, capacity, place, specialist email or None)
PLAN = [
    (
        "一時預かり すくすくルーム",
        "temporary_care",
        "一時預かり（午前）",
        range(0, 6),
        "09:00",
        "12:00",
        5,
        "市役所 1階 すくすくルーム",
        None,
    ),
    (
        "一時預かり すくすくルーム",
        "temporary_care",
        "一時預かり（午後）",
        range(0, 6),
        "13:00",
        "17:00",
        5,
        "市役所 1階 すくすくルーム",
        None,
    ),
    (
        "緑ヶ丘子育てひろば",
        "course",
        "子育て講座：はじめての離乳食",
        [2],
        "10:30",
        "11:30",
        12,
        "児童館 2階 集会室",
        None,
    ),
    ("緑ヶ丘子育てひろば", "course", "誕生会", [4], "11:00", "11:45", 15, "ひろば", None),
    ("ひろば なかよし", "course", "親子リトミック", [3], "10:30", "11:15", 2, "ひろば", None),
    (
        "ベビーマッサージ講座",
        "course",
        "ベビーマッサージ",
        [3],
        "10:30",
        "11:30",
        8,
        "ひろば なかよし 奥の部屋",
        None,
    ),
    (
        "妊婦相談・母親学級",
        "pregnancy_class",
        "両親学級（沐浴の練習）",
        [5],
        "10:00",
        "12:00",
        10,
        "保健センター 3階",
        None,
    ),
    (
        "ひろば なかよし 利用者支援",
        "appointment",
        "相談予約",
        [1, 4],
        "10:00",
        "10:45",
        1,
        "ひろば なかよし 相談コーナー",
        "specialist@example.jp",
    ),
    (
        "ひろば なかよし 利用者支援",
        "appointment",
        "相談予約",
        [1, 4],
        "14:00",
        "14:45",
        1,
        "ひろば なかよし 相談コーナー",
        "specialist@example.jp",
    ),
    (
        "子育てコンシェルジュ（市役所）",
        "appointment",
        "保育コンシェルジュ 相談予約",
        [0, 2],
        "13:30",
        "14:15",
        1,
        "市役所 2階 こども家庭課",
        "specialist2@example.jp",
    ),
]

# (parent email, nickname, months old (negative: months until the due date))
CHILDREN = [
    ("parent@example.jp", "たろう", 14),
    ("parent@example.jp", "はな", 40),
    ("parent2@example.jp", "ゆい", 8),
    ("parent2@example.jp", "おなかの赤ちゃん", -3),
]


def _months_ago(today: dt.date, months: int) -> dt.date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return dt.date(year, month + 1, min(today.day, 28))


def _seed_children(today: dt.date) -> dict[str, Child]:
    children = {}
    for email, nickname, months in CHILDREN:
        parent = demo_user(email)
        defaults = (
            {"is_pregnancy": True, "due_date": _months_ago(today, months)}
            if months < 0
            else {"birth_date": _months_ago(today, months)}
        )
        children[nickname] = Child.objects.get_or_create(parent=parent, nickname=nickname, defaults=defaults)[
            0
        ]
    return children


def seed(out) -> None:
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    national = holidays.Japan(years=[today.year, today.year + 1])
    services = {s.name: s for s in Service.objects.filter(name__in={row[0] for row in PLAN})}
    created = 0
    for name, kind, title, weekdays, start, end, capacity, place, specialist_email in PLAN:
        service = services.get(name)
        if service is None:
            continue
        specialist = demo_user(specialist_email) if specialist_email else None
        for offset in range(1, WEEKS_AHEAD * 7 + 1):
            day = today + dt.timedelta(days=offset)
            if day.weekday() not in weekdays or day in national:
                continue
            starts_at = dt.datetime.combine(day, dt.time.fromisoformat(start), tzinfo=tz)
            if Session.objects.filter(service=service, starts_at=starts_at).exists():
                continue
            session_create(
                service=service,
                kind=kind,
                title=title,
                starts_at=starts_at,
                ends_at=dt.datetime.combine(day, dt.time.fromisoformat(end), tzinfo=tz),
                capacity=capacity,
                place=place,
                specialist=specialist,
                by=None,
            )
            created += 1
    created += _seed_popup_sessions(today)
    children = _seed_children(today)
    _seed_bookings(children)
    out.write(
        f"bookings: {Session.objects.upcoming().count()} upcoming sessions ({created} new), {len(children)} children\n"
    )


def _seed_popup_sessions(today: dt.date) -> int:
    """出張ひろば: one session on each coming date the pop-up plaza opens (its SpecialHours)."""
    tz = timezone.get_current_timezone()
    created = 0
    popups = Service.objects.filter(category__slug="popup-hub").prefetch_related("special_hours")
    for service in popups:
        for day in service.special_hours.all():
            if day.is_closed or not today < day.date <= today + dt.timedelta(weeks=WEEKS_AHEAD):
                continue
            starts_at = dt.datetime.combine(day.date, day.opens_at, tzinfo=tz)
            if Session.objects.filter(service=service, starts_at=starts_at).exists():
                continue
            session_create(
                service=service,
                kind="popup",
                title="出張ひろば",
                starts_at=starts_at,
                ends_at=dt.datetime.combine(day.date, day.closes_at, tzinfo=tz),
                capacity=15,
                by=None,
            )
            created += 1
    return created


def _seed_bookings(children: dict[str, Child]) -> None:
    """A full リトミック with one on the waitlist, and a course booking; mails count as sent."""
    now = timezone.now()
    rhythm = Session.objects.upcoming().filter(title="親子リトミック").order_by("starts_at").first()
    course = (
        Session.objects.upcoming().filter(title="子育て講座：はじめての離乳食").order_by("starts_at").first()
    )
    wanted = []
    if rhythm is not None:
        wanted += [(rhythm, "たろう"), (rhythm, "ゆい")]
    if course is not None:
        wanted.append((course, "ゆい"))
    for session, nickname in wanted:
        child = children[nickname]
        if not session.accepts(child) or session.bookings.filter(child=child).exists():
            continue
        full = session.bookings.filter(status=Booking.Status.CONFIRMED).count() >= session.capacity
        booking = Booking.objects.create(
            session=session,
            parent=child.parent,
            child=child,
            status=Booking.Status.WAITLISTED if full else Booking.Status.CONFIRMED,
        )
        mail.record_sent(message="bookings/confirmation", recipient=child.parent, about=booking, at=now)
