"""Reads of case records: the specialist's site, searches, due follow-ups and the monthly report."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import (
    Action,
    Case,
    Channel,
    Child,
    Contact,
    ContactAction,
    FollowUp,
    Guardian,
    Need,
    Referral,
    Specialist,
    UserSupportSite,
    digits,
)
from facilities.models import Service
from facilities.search import search_services
from facilities.text import normalize
from portal import dates
from portal.models import Role
from portal.spreadsheets import write_csv


def site_for_specialist(user) -> UserSupportSite | None:
    """The site a specialist works at (None for anyone else, or a specialist not yet assigned)."""
    specialist = (
        Specialist.objects.select_related("site__service", "site__site_type").filter(user_id=user.pk).first()
    )
    return specialist.site if specialist else None


def may_record_cooperation(user) -> bool:
    """地域連携の記録 is kept by specialists of a site whose type does it (基本型): the view and the menu."""
    site = site_for_specialist(user) if user.has_role(Role.SPECIALIST) else None
    return site is not None and site.site_type.does_regional_cooperation


def case_search(*, site: UserSupportSite, query: str = "", status: str = "") -> QuerySet[Case]:
    """Cases of one site matching a name, reading (かな) or phone number; never another site's."""
    cases = Case.objects.for_site(site).filter(anonymized_at__isnull=True)
    if status:
        cases = cases.filter(status=status)
    query = query.strip()
    if query:
        match = Q(guardians__name__icontains=query)
        if normalize(query):
            match |= Q(guardians__kana_key__contains=normalize(query))
        match |= Q(children__name__icontains=query)
        phone = digits(query)
        if len(phone) >= 4:
            match |= Q(guardians__phone_digits__contains=phone)
        cases = cases.filter(match).distinct()
    return cases.prefetch_related("guardians", "children").annotate(
        last_contact=Min("contacts__contacted_at")
    )


def possible_duplicates(
    *,
    site: UserSupportSite,
    name: str = "",
    kana: str = "",
    phone: str = "",
    birth_date: dt.date | None = None,
) -> QuerySet[Case]:
    """重複の可能性: cases of the site (not anonymized, not merged away) with a guardian of the same
    name or reading (spaces, widths and kana script ignored: 山本さくら = 山本 さくら), the same phone
    number, or a child born the same day. Used by the live hint and by the check on save."""
    keys = {normalize(name), normalize(kana)} - {""}
    phone = digits(phone)
    guardian_match = Q()
    if keys:
        guardian_match |= Q(name_key__in=keys) | Q(kana_key__in=keys)
    if len(phone) >= 8:
        guardian_match |= Q(phone_digits=phone)
    # Each signal through its own indexed column (pk IN (…) OR pk IN (…)), not one OR across joins.
    match = Q()
    if guardian_match:
        match |= Q(pk__in=Guardian.objects.filter(guardian_match, case__site=site).values("case_id"))
    if birth_date is not None:
        match |= Q(pk__in=Child.objects.filter(birth_date=birth_date, case__site=site).values("case_id"))
    if not match:
        return Case.objects.none()
    return (
        Case.objects.for_site(site)
        .filter(match, anonymized_at__isnull=True, merged_into__isnull=True)
        .order_by("pk")
        .prefetch_related("guardians", "children")[:5]
    )


def cases_erased_soon(*, day: dt.date) -> QuerySet[Case]:
    """消去予定: cases that the nightly run will anonymize within ``Case.ERASURE_GRACE_DAYS`` of ``day``
    (the close is always recorded by then, so only the retention period decides). Listed for city
    staff before anything is erased."""
    return (
        Case.objects.due_for_erasure(day + dt.timedelta(days=Case.ERASURE_GRACE_DAYS))
        .select_related("site__service")
        .order_by("closed_on", "pk")
    )


def referral_services(query: str = "") -> QuerySet[Service]:
    """Directory entries a specialist can refer a family to: only active ones. A query goes through
    the directory's own search (readings, synonyms, any script: いちじあずかり finds 一時預かり), ranked
    as parents see it."""
    services = Service.objects.filter(status=Service.Status.ACTIVE)
    if query.strip():
        return search_services(query=query, queryset=services)
    return services.select_related("category").order_by("category__order", "name_kana")


def follow_ups_due(*, user, day: dt.date) -> QuerySet[FollowUp]:
    """Follow-ups assigned to ``user`` that are due on ``day`` or overdue and not done."""
    return (
        FollowUp.objects.filter(
            assignee=user, done_at__isnull=True, due_on__lte=day, case__anonymized_at__isnull=True
        )
        .select_related("case")
        .order_by("due_on", "pk")
    )


def follow_ups_open(*, user, site: UserSupportSite) -> QuerySet[FollowUp]:
    """My open follow-ups at my site, overdue first (the upcoming list)."""
    return (
        FollowUp.objects.filter(
            assignee=user, case__site=site, done_at__isnull=True, case__anonymized_at__isnull=True
        )
        .select_related("case")
        .order_by("due_on", "pk")
    )


def follow_ups_done_recently(*, user, site: UserSupportSite, since: dt.date) -> QuerySet[FollowUp]:
    """Follow-ups of mine completed since ``since``, newest first: where a mistaken 完了 is undone."""
    start = dt.datetime.combine(since, dt.time.min, timezone.get_current_timezone())
    return (
        FollowUp.objects.filter(
            assignee=user, case__site=site, done_at__gte=start, case__anonymized_at__isnull=True
        )
        .select_related("case")
        .order_by("-done_at", "-pk")
    )


@dataclass
class SiteOverview:
    """監督ビュー: one site's open work, for its lead specialist (主任) and city staff."""

    site: UserSupportSite
    open_cases: list[tuple[str, int]]
    overdue_by_assignee: list[tuple[object, list[FollowUp]]]
    waiting_referrals: list[Referral]

    @property
    def open_total(self) -> int:
        return sum(count for _, count in self.open_cases)


def site_overview(*, site: UserSupportSite, day: dt.date) -> SiteOverview:
    """Open cases by status, overdue follow-ups per specialist, and referrals still awaiting an
    outcome (oldest first). Case numbers only: no names."""
    live = Case.objects.for_site(site).filter(anonymized_at__isnull=True)
    by_status = dict(
        live.exclude(status=Case.Status.CLOSED).values_list("status").annotate(n=Count("pk")).order_by()
    )
    open_cases = [
        (label, by_status.get(value, 0))
        for value, label in Case.Status.choices
        if value != Case.Status.CLOSED
    ]
    overdue: dict[int, tuple[object, list[FollowUp]]] = {}
    for follow_up in (
        FollowUp.objects.filter(
            case__in=live.exclude(status=Case.Status.CLOSED), done_at__isnull=True, due_on__lt=day
        )
        .select_related("assignee", "case")
        .order_by("assignee__email", "due_on", "pk")
    ):
        overdue.setdefault(follow_up.assignee_id, (follow_up.assignee, []))[1].append(follow_up)
    waiting = list(
        Referral.objects.filter(case__in=live, outcome=Referral.Outcome.REFERRED, service__isnull=False)
        .select_related("case", "service")
        .order_by("referred_on", "pk")
    )
    return SiteOverview(
        site=site,
        open_cases=open_cases,
        overdue_by_assignee=list(overdue.values()),
        waiting_referrals=waiting,
    )


def case_timeline(case: Case) -> list[tuple[dt.datetime, str, object]]:
    """The case's history, newest first: contacts, referrals and follow-ups on one line."""
    tz = timezone.get_current_timezone()
    contacts = case.contacts.select_related("specialist").prefetch_related("needs", "actions")
    items: list[tuple[dt.datetime, str, object]] = [(c.contacted_at, "contact", c) for c in contacts]
    for referral in case.referrals.select_related("service", "need", "booking__session__service"):
        items.append((dt.datetime.combine(referral.referred_on, dt.time.max, tz), "referral", referral))
    for follow_up in case.follow_ups.select_related("assignee"):
        items.append((dt.datetime.combine(follow_up.due_on, dt.time.max, tz), "follow_up", follow_up))
    return sorted(items, key=lambda item: item[0], reverse=True)


# --- Monthly statistics ------------------------------------------------------------------------------


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar month in local time."""
    tz = timezone.get_current_timezone()
    first, following = dates.first_of_month(month), dates.next_month(month)
    return dt.datetime.combine(first, dt.time.min, tz), dt.datetime.combine(following, dt.time.min, tz)


@dataclass
class Section:
    key: str
    title: str
    rows: list[tuple[str, int]] = field(default_factory=list)

    @property
    def max(self) -> int:
        return max((count for _, count in self.rows), default=0)

    @property
    def total(self) -> int:
        return sum(count for _, count in self.rows)

    @property
    def bars(self) -> list[tuple[str, int, int]]:
        """(label, count, percent of the largest) for the CSS bar chart."""
        top = self.max or 1
        return [(label, count, round(count * 100 / top)) for label, count in self.rows]


@dataclass
class SiteMonthlyReport:
    """利用者支援事業の月次報告: what a site (or the whole city, ``site`` None) did in one month, counted
    from the case records. Only counts. Not stored: the hub registry's stored, filed report is
    ``hubs.models.MonthlyReport``."""

    month: dt.date
    site: UserSupportSite | None
    sections: list[Section]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def as_csv(self) -> str:
        """UTF-8 with a BOM so that Excel opens the Japanese text correctly."""
        buffer = io.StringIO()
        site = self.site.name if self.site else _("市全体")
        write_csv(
            buffer,
            [_("実施場所"), _("年月"), _("区分"), _("項目"), _("件数")],
            (
                [site, f"{self.month:%Y-%m}", section.title, label, count]
                for section in self.sections
                for label, count in section.rows
            ),
        )
        return buffer.getvalue()


def monthly_report(*, month: dt.date, site: UserSupportSite | None = None) -> SiteMonthlyReport:
    """Count the month's consultations. Reads no names or notes, so anonymized cases count the same."""
    start, end = month_bounds(month)
    contacts = Contact.objects.filter(contacted_at__gte=start, contacted_at__lt=end)
    cases = Case.objects.all()
    referrals = Referral.objects.filter(referred_on__gte=start.date(), referred_on__lt=end.date())
    if site is not None:
        contacts = contacts.filter(case__site=site)
        cases = cases.filter(site=site)
        referrals = referrals.filter(case__site=site)

    by_channel = dict(contacts.values_list("channel").annotate(n=Count("pk")).order_by())
    needs = list(Need.objects.all())
    by_need = dict(
        Need.objects.filter(contacts__in=contacts).values_list("pk").annotate(n=Count("contacts")).order_by()
    )
    by_action = dict(
        ContactAction.objects.filter(contact__in=contacts)
        .values_list("action")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Households with a contact this month; counted in Python (one row per household, a few hundred).
    active = cases.filter(
        Exists(Contact.objects.filter(case=OuterRef("pk"), contacted_at__gte=start, contacted_at__lt=end))
    ).annotate(
        first_contact=Min("contacts__contacted_at"),
        has_children=Exists(Child.objects.filter(case=OuterRef("pk"))),
    )
    rows = list(active.values_list("first_contact", "due_date", "has_children"))
    household = {
        "new": sum(1 for first, _, _ in rows if first >= start),
        "continuing": sum(1 for first, _, _ in rows if first < start),
        "pregnant": sum(1 for _, due, _ in rows if due is not None),
        "with_children": sum(1 for _, _, children in rows if children),
    }
    by_outcome = dict(referrals.values_list("outcome").annotate(n=Count("pk")).order_by())
    unmet = dict(
        referrals.filter(outcome=Referral.Outcome.NO_SERVICE)
        .values_list("need")
        .annotate(n=Count("pk"))
        .order_by()
    )

    sections = [
        Section("contacts", _("相談件数"), [(_("相談対応（延べ）"), sum(by_channel.values()))]),
        Section(
            "households",
            _("世帯"),
            [
                (_("新規ケース"), household["new"]),
                (_("継続ケース"), household["continuing"]),
                (_("妊娠中の方"), household["pregnant"]),
                (_("子どものいる世帯"), household["with_children"]),
            ],
        ),
        Section(
            "channel", _("相談方法"), [(label, by_channel.get(value, 0)) for value, label in Channel.choices]
        ),
        Section("need", _("ニーズ"), [(str(need), by_need.get(need.pk, 0)) for need in needs]),
        Section(
            "action", _("対応内容"), [(label, by_action.get(value, 0)) for value, label in Action.choices]
        ),
        Section(
            "referral",
            _("紹介と結果"),
            [(label, by_outcome.get(value, 0)) for value, label in Referral.Outcome.choices],
        ),
        Section(
            "unmet",
            _("適切なサービスがなかったニーズ（社会資源の開発）"),
            [(str(need), unmet[need.pk]) for need in needs if unmet.get(need.pk)],
        ),
    ]
    return SiteMonthlyReport(month=dates.first_of_month(month), site=site, sections=sections)


# --- Booking for a family (facilities.bookings) ------------------------------------------------------


def booking_choices(referral: Referral) -> tuple[QuerySet, QuerySet]:
    """代理予約の選択肢: only what can be booked. A session of the referred service open for booking
    now that accepts (by age or pregnancy) one of the parent's children not yet booked into it, and
    those children. A few sessions and children, so the pairs are worked out in Python with the
    session's own rule (``Session.accepts``)."""
    from facilities.bookings.models import Booking, Session
    from facilities.bookings.models import Child as PortalChild

    now = timezone.now()
    sessions = list(
        Session.objects.upcoming().filter(
            service_id=referral.service_id, opens_at__lte=now, closes_at__gt=now
        )
    )
    children = list(PortalChild.objects.filter(parent_id=referral.case.parent_account_id))
    booked = set(
        Booking.objects.filter(session__in=sessions, child__in=children)
        .exclude(status=Booking.Status.CANCELLED)
        .values_list("session_id", "child_id")
    )
    pairs = [
        (session.pk, child.pk)
        for session in sessions
        for child in children
        if (session.pk, child.pk) not in booked and session.accepts(child)
    ]
    bookable_sessions = (
        Session.objects.filter(pk__in={s for s, _ in pairs})
        .select_related("service")
        .with_seats()
        .order_by("starts_at")
    )
    return bookable_sessions, PortalChild.objects.filter(pk__in={c for _, c in pairs})
