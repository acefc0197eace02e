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
    Need,
    Referral,
    Specialist,
    UserSupportSite,
    digits,
)
from facilities.models import Service
from facilities.text import normalize
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


def possible_duplicates(*, site: UserSupportSite, kana: str = "", phone: str = "") -> QuerySet[Case]:
    """重複の可能性: open cases of the site whose guardian has the same reading or phone number."""
    kana, phone = normalize(kana), digits(phone)
    match = Q()
    if kana:
        match |= Q(guardians__kana_key__contains=kana)
    if len(phone) >= 8:
        match |= Q(guardians__phone_digits=phone)
    if not match:
        return Case.objects.none()
    return (
        Case.objects.for_site(site)
        .filter(anonymized_at__isnull=True)
        .filter(match)
        .distinct()
        .prefetch_related("guardians")[:5]
    )


def referral_services(query: str = "") -> QuerySet[Service]:
    """Directory entries a specialist can refer a family to: only active ones."""
    services = Service.objects.filter(status=Service.Status.ACTIVE).select_related("category")
    query = query.strip()
    if query:
        services = services.filter(
            Q(name__icontains=query)
            | Q(name_kana__icontains=query)
            | Q(category__name__icontains=query)
            | Q(description__icontains=query)
        )
    return services.order_by("category__order", "name_kana")


def follow_ups_due(*, user, day: dt.date) -> QuerySet[FollowUp]:
    """Follow-ups assigned to ``user`` that are due on ``day`` or overdue and not done."""
    return (
        FollowUp.objects.filter(
            assignee=user, done_at__isnull=True, due_on__lte=day, case__anonymized_at__isnull=True
        )
        .select_related("case")
        .order_by("due_on", "pk")
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
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return dt.datetime.combine(first, dt.time.min, tz), dt.datetime.combine(following, dt.time.min, tz)


def previous_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


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
class MonthlyReport:
    """月次報告: what a site (or the whole city, ``site`` None) did in one month. Only counts."""

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


def monthly_report(*, month: dt.date, site: UserSupportSite | None = None) -> MonthlyReport:
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
    return MonthlyReport(month=month.replace(day=1), site=site, sections=sections)


# --- Booking for a family (facilities.bookings) ------------------------------------------------------


def booking_choices(referral: Referral) -> tuple[QuerySet, QuerySet]:
    """代理予約の選択肢: the referred service's sessions open for booking now, and the children the
    parent registered on the portal."""
    from facilities.bookings.models import Child as PortalChild
    from facilities.bookings.models import Session

    now = timezone.now()
    sessions = (
        Session.objects.upcoming()
        .filter(service_id=referral.service_id, opens_at__lte=now, closes_at__gt=now)
        .select_related("service")
        .with_seats()
    )
    children = PortalChild.objects.filter(parent_id=referral.case.parent_account_id)
    return sessions, children
