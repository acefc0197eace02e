"""Hostile input against every page of the portal, on PostgreSQL: never a 500, never a partial save.

For every URL pattern (``get_resolver()``), as the persona who may open it and with its path filled
with that persona's own objects (the demo city), the sweep

1. sends each hostile value in every GET parameter the page's forms (and htmx fetches) use, plus the
   common ones (``page``, ``next`` …) and in every integer path parameter;
2. submits every form on the page as a browser would (fields as shown, required blanks filled with
   plausible values), with one field at a time replaced by each hostile value.

Each request runs in a savepoint that is rolled back, so one accepted submission does not change what
the next one sees. When the answer is not a success (anything but a redirect after POST), the rows of
every table but sessions and the audit log must be as before. PostgreSQL only: SQLite accepts NUL
and dates PostgreSQL refuses, so the sweep would pass there for the wrong reason.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

HOSTILE = [
    "",
    "x" * 10_000,
    "\x00",
    "\ud800",  # a lone surrogate, sent percent-encoded as a broken client would
    "<script>alert(1)</script>",
    "0001-01-01",
    "9999-12-31",
    "-1",
    str(10**12),
]
HOSTILE_PATH_INTS = [0, 10**12]
COMMON_GET = ["page", "next", "q", "month", "year", "site", "status", "sort"]
# Rows that a request may write even when it refuses the input: the session and the audit of reads.
NOT_DOMAIN_TABLES = {"django_session", "consultations_auditentry"}
# The admin is Django's own (its forms are the models' forms); the sweep covers the portal's pages.
SKIPPED_PREFIXES = ("admin/",)


# --- The URL patterns and who opens them ---------------------------------------------------------------


def url_patterns() -> list[tuple[str, str]]:
    """(route, name) of every named URL pattern of the project, admin left out."""

    def walk(resolver, prefix: str, namespace: str):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield prefix + str(pattern.pattern), namespace + pattern.name

    return [
        (route, name)
        for route, name in walk(get_resolver(), "", "")
        if not route.startswith(SKIPPED_PREFIXES)
    ]


@dataclass
class World:
    """The demo city and, per persona, the objects they may open."""

    users: dict
    kwargs: dict = field(default_factory=dict)


def build_world() -> World:
    from django.utils import timezone

    from consultations import selectors
    from consultations.models import Case, Channel, ConsultationRequest, FollowUp, Referral
    from facilities.bookings.models import Booking, Child, Session
    from facilities.models import Area, ImportBatch, SpecialHours
    from hubs.forms import ContactForm
    from hubs.models import HubStaffAccount, MonthlyReport, PopupPlaza
    from hubs.services import hub_change_propose
    from portal.demo import demo_user

    call_command("seed_demo", stdout=io.StringIO())
    users = {
        "anonymous": None,
        "parent": demo_user("parent@example.jp"),
        "specialist": demo_user("specialist@example.jp"),
        "hub_staff": demo_user("hubstaff@example.jp"),
        "city_staff": demo_user("city@example.jp"),
    }
    parent = users["parent"]
    booking = Booking.objects.filter(parent=parent).select_related("session").first()
    child = Child.objects.filter(parent=parent).first()
    session = Session.objects.upcoming().filter(service__bookable_online=True).first()
    hub = HubStaffAccount.objects.select_related("hub").get(user=users["hub_staff"]).hub
    report = MonthlyReport.objects.filter(hub=hub).first()
    # A pending 変更の申し出 as hub staff make one: the hub's own entry with a new phone number.
    proposal = {name: getattr(hub.service, name) for name in ContactForm.Meta.fields}
    proposal["phone"] = "0120-000-000"
    proposal["hours"] = [
        [p.weekday, f"{p.opens_at:%H:%M}", f"{p.closes_at:%H:%M}"] for p in hub.service.weekly_hours.all()
    ]
    proposal["staff"] = [[member.name, member.kind] for member in hub.staff.all()]
    change = hub_change_propose(by=users["hub_staff"], hub=hub, data=proposal, note="電話番号の変更")
    case = Case.objects.filter(site=selectors.site_for_specialist(users["specialist"])).first()
    referral = Referral.objects.filter(case__site=case.site).first()
    follow_up = FollowUp.objects.filter(case__site=case.site).first()
    missing = [
        name
        for name, value in {
            "booking": booking,
            "child": child,
            "session": session,
            "report": report,
            "referral": referral,
            "follow_up": follow_up,
        }.items()
        if value is None
    ]
    assert not missing, f"the demo city lacks {missing}"
    staff_session = booking.session
    batch = ImportBatch.objects.create(
        created_by=users["city_staff"],
        filename="shisetsu.csv",
        data="名称,所在地\nひろば,みどり市中央1-1-1\n".encode(),
        status=ImportBatch.Status.NEEDS_MAPPING,
    )
    intake = ConsultationRequest.objects.create(
        parent=parent,
        site=case.site,
        worry="夜泣きがつらい",
        contact_by=Channel.PHONE,
        consent_at=timezone.now(),
    )
    popup = PopupPlaza.objects.select_related("service").first()
    popup_day = SpecialHours.objects.filter(service=popup.service).first()
    assert popup_day is not None, "the demo city lacks a 出張ひろば date"
    world = World(users=users)
    world.kwargs = {
        "services/<int:pk>/": {"pk": session.service_id},
        "ping/<int:area_id>": {"area_id": Area.objects.first().pk},
        "bookings/<int:pk>/": {"pk": booking.pk},
        "bookings/<int:pk>/cancel/": {"pk": booking.pk},
        "bookings/<int:pk>/calendar.ics": {"pk": booking.pk},
        "bookings/services/<int:service_id>/sessions/": {"service_id": session.service_id},
        "bookings/sessions/<int:pk>/": {"pk": session.pk},
        "bookings/sessions/<int:pk>/book/": {"pk": session.pk},
        "bookings/children/<int:pk>/edit/": {"pk": child.pk},
        "bookings/children/<int:pk>/born/": {"pk": child.pk},
        "staff/directory/import/<int:pk>/": {"pk": batch.pk},
        "staff/directory/import/<int:pk>/columns/": {"pk": batch.pk},
        "staff/directory/import/<int:pk>/categories/": {"pk": batch.pk},
        "staff/directory/import/<int:pk>/confirm/": {"pk": batch.pk},
        "api/hsds/services/<int:pk>/": {"pk": session.service_id},
        "consultations/cases/<int:pk>/reopen/": {"pk": case.pk},
        "consultations/cases/<int:pk>/merge/": {"pk": case.pk},
        "consultations/follow-ups/<int:pk>/undo/": {"pk": follow_up.pk},
        "consultations/intake/<int:pk>/take/": {"pk": intake.pk},
        "hubs/popups/<int:pk>/dates/": {"pk": popup.pk},
        "hubs/popup-dates/<int:pk>/": {"pk": popup_day.pk},
        "bookings/staff/sessions/<int:pk>/": {"pk": staff_session.pk},
        "bookings/staff/sessions/<int:pk>/capacity/": {"pk": staff_session.pk},
        "bookings/staff/sessions/<int:pk>/walk-in/": {"pk": staff_session.pk},
        "bookings/staff/sessions/<int:pk>/cancel/": {"pk": staff_session.pk},
        "bookings/staff/bookings/<int:pk>/attendance/": {"pk": booking.pk},
        "consultations/cases/<int:pk>/": {"pk": case.pk},
        "consultations/cases/<int:pk>/edit/": {"pk": case.pk},
        "consultations/cases/<int:pk>/log/": {"pk": case.pk},
        "consultations/cases/<int:pk>/close/": {"pk": case.pk},
        "consultations/cases/<int:pk>/referrals/new/": {"pk": case.pk},
        "consultations/cases/<int:pk>/follow-ups/new/": {"pk": case.pk},
        "consultations/referrals/<int:pk>/outcome/": {"pk": referral.pk},
        "consultations/referrals/<int:pk>/book/": {"pk": referral.pk},
        "consultations/follow-ups/<int:pk>/done/": {"pk": follow_up.pk},
        "hubs/<int:pk>/": {"pk": hub.pk},
        "hubs/<int:pk>/edit/": {"pk": hub.pk},
        "hubs/<int:pk>/propose/": {"pk": hub.pk},
        "hubs/<int:pk>/transition/": {"pk": hub.pk},
        "hubs/<int:pk>/popups/new/": {"pk": hub.pk},
        "hubs/<int:pk>/reports/": {"pk": hub.pk},
        "hubs/<int:pk>/reports/<int:year>-<int:month>/": {
            "pk": hub.pk,
            "year": report.month.year,
            "month": report.month.month,
        },
        "hubs/changes/<int:pk>/decide/": {"pk": change.pk},
        "hubs/reports/<int:pk>/": {"pk": report.pk},
        "hubs/reports/<int:pk>/review/": {"pk": report.pk},
        "accounts/^confirm-email/(?P<key>[-:\\w]+)/$": {"key": "no-such-key"},
        "accounts/^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": {
            "uidb36": "zz",
            "key": "no-key",
        },
    }
    return world


# Who opens which page: the first matching prefix of the route wins.
PERSONA_BY_ROUTE = [
    ("account/", "parent"),
    ("staff/directory/", "city_staff"),
    ("staff/search-misses/", "city_staff"),
    ("staff/", "specialist"),
    ("bookings/staff/", "city_staff"),
    ("bookings/", "parent"),
    ("consultations/reports/", "city_staff"),
    ("consultations/audit/", "city_staff"),
    ("consultations/erasures/", "city_staff"),
    ("consultations/request/", "parent"),
    ("consultations/", "specialist"),
    ("hubs/mine/", "hub_staff"),
    ("hubs/<int:pk>/reports/", "hub_staff"),
    ("hubs/<int:pk>/propose/", "hub_staff"),
    ("hubs/<int:pk>/popups/", "hub_staff"),
    ("hubs/", "city_staff"),
    ("accounts/2fa/", "specialist"),
    ("accounts/email/", "parent"),
    ("accounts/password/change/", "parent"),
    ("accounts/password/set/", "parent"),
    ("accounts/reauthenticate/", "parent"),
    ("accounts/logout/", "parent"),
]


def persona_for(route: str) -> str:
    return next((who for prefix, who in PERSONA_BY_ROUTE if route.startswith(prefix)), "anonymous")


# --- Forms as a browser submits them ---------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: list[list] = field(default_factory=list)  # [name, value, required, input type]
    selects: dict = field(default_factory=dict)


class FormParser(HTMLParser):
    """The forms of a page (as a browser would submit them) and the URLs htmx fetches, with the
    names of the fields of the form each fetch sits in."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.fetches: dict[str, set[str]] = {}
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: list | None = None
        self._pending_fetches: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: (v or "") for k, v in attrs}
        if "hx-get" in a:
            self.fetches.setdefault(a["hx-get"], set())
            if self._form is not None:
                self._pending_fetches.append(a["hx-get"])
        if tag == "form":
            self._form = Form(method=a.get("method", "get").lower(), action=a.get("action") or self.page_url)
            return
        if self._form is None or not a.get("name"):
            return
        name, required = a["name"], "required" in a
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._form.fields.append([name, a.get("value", "on"), required, kind])
                elif kind == "radio" or name not in {f[0] for f in self._form.fields}:
                    # a radio group or checkbox list offers its first value when nothing is chosen
                    self._form.selects.setdefault(name, a.get("value", "on"))
            elif kind == "submit":
                self._form.selects.setdefault(f"submit:{name}", a.get("value", ""))
            elif kind not in {"file", "button", "reset", "image"}:
                self._form.fields.append([name, a.get("value", ""), required, kind])
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.selects.setdefault(f"submit:{name}", a.get("value", ""))
        elif tag == "select":
            self._select = name
            self._form.fields.append([name, None, required, "select"])
        elif tag == "option" and self._select:
            entry = next(f for f in reversed(self._form.fields) if f[0] == self._select)
            if "selected" in a or (entry[1] in (None, "") and a.get("value")):
                entry[1] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = [name, "", required, "textarea"]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append(self._textarea)
            self._textarea = None
        elif tag == "form" and self._form is not None:
            names = {f[0] for f in self._form.fields}
            for fetch in self._pending_fetches:
                self.fetches[fetch] |= names
            self.forms.append(self._form)
            self._form, self._pending_fetches = None, []


def plausible(kind: str, name: str) -> str:
    """A value a person would type into an empty required field of this kind."""
    soon = dt.date.today() + dt.timedelta(days=7)
    return {
        "date": soon.isoformat(),
        "time": "10:00",
        "datetime-local": f"{soon.isoformat()}T10:00",
        "number": "1",
        "email": "someone@example.test",
        "tel": "0120-000-000",
        "url": "https://example.test/",
        "password": "sora-to-umi-42",
    }.get(kind, "テスト")


def submission(form: Form) -> list[tuple[str, str]]:
    pairs = []
    for name, value, required, kind in form.fields:
        if name == "csrfmiddlewaretoken":
            continue
        if not value and (required or kind in {"select"}):
            value = plausible(kind, name) if kind != "select" else ""
        pairs.append((name, value or ""))
    chosen = {name for name, *_ in form.fields}
    for name, value in form.selects.items():
        if name.startswith("submit:"):
            pairs.append((name.removeprefix("submit:"), value))
        elif name not in chosen:
            pairs.append((name, value))
    return pairs


# --- Sending and checking ---------------------------------------------------------------------------


def encode(pairs: list[tuple[str, str]]) -> str:
    # surrogatepass: the bytes a broken client sends for a lone surrogate (%ED%A0%80)
    return urlencode(pairs, encoding="utf-8", errors="surrogatepass")


def domain_row_counts() -> dict[str, int]:
    tables = sorted(set(connection.introspection.django_table_names(only_existing=True)) - NOT_DOMAIN_TABLES)
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT '{t}', count(*) FROM {quote(t)}" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


@dataclass
class Sweep:
    """Sends requests, each in a savepoint rolled back afterwards: every request meets the same
    database, so the row counts taken once at the start are the "before" of every request."""

    client: Client
    before: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    def send(self, method: str, url: str, pairs: list[tuple[str, str]], what: str) -> None:
        with transaction.atomic():
            if method == "get":
                response = self.client.get(f"{url}?{encode(pairs)}" if pairs else url)
            else:
                response = self.client.post(
                    url, encode(pairs), content_type="application/x-www-form-urlencoded"
                )
            self.sent += 1
            self.statuses[response.status_code] += 1
            if response.status_code >= 500:
                self.failures.append(f"{response.status_code} {method.upper()} {url} {what}")
            elif method == "post" and response.status_code not in (301, 302, 303):
                try:
                    counts = domain_row_counts()
                except DatabaseError:  # the view swallowed a database error: as bad as a 500
                    self.failures.append(f"aborted transaction: POST {url} {what}")
                else:
                    changed = {t: n - self.before[t] for t, n in counts.items() if self.before[t] != n}
                    if changed:
                        self.failures.append(f"partial save {changed}: POST {url} {what}")
            transaction.set_rollback(True)

    def log_in(self, user) -> None:
        if user is None:
            self.client.logout()
        else:
            self.client.force_login(user)


def _same_site(action: str) -> str | None:
    parts = urlsplit(action)
    if parts.netloc and parts.netloc != "testserver":
        return None
    return parts.path or None


def test_every_page_survives_hostile_input(settings):
    require_service(connection.vendor == "postgresql", "the hostile-input sweep runs on PostgreSQL")
    settings.ACCOUNT_RATE_LIMITS = False  # the sweep is one client sending hundreds of logins
    world = build_world()
    sweep = Sweep(client=Client(raise_request_exception=False))
    get_names: dict[str, set[str]] = {}
    form_fields: dict[str, set[str]] = {}  # GET parameters some form on a page sends to this URL
    post_forms: dict[tuple[str, tuple[str, ...]], tuple[str, Form]] = {}
    persona_of: dict[str, str] = {}

    for route, name in url_patterns():
        # A new page with an id in its path needs its object in build_world.
        assert route in world.kwargs or not re.search(r"<|\(\?P", route), f"no object for {route}"
        kwargs = world.kwargs.get(route, {})
        persona = persona_for(route)
        url = reverse(name, kwargs=kwargs)
        persona_of[url] = persona
        sweep.log_in(world.users[persona])
        response = sweep.client.get(url)
        assert response.status_code < 500, f"{url} as {persona}: {response.status_code}"
        parser = FormParser(url)
        if "html" in response.get("Content-Type", ""):
            parser.feed(response.content.decode())
        get_names.setdefault(url, set()).update(COMMON_GET)
        for form in parser.forms:
            target = _same_site(form.action)
            if target is None:
                continue
            names = {f[0] for f in form.fields} - {"csrfmiddlewaretoken"}
            if form.method == "get":
                form_fields.setdefault(target, set()).update(names)
            else:  # the same form on several pages (a cancel button) is sent once
                post_forms.setdefault((target, tuple(sorted(names))), (persona, form))
        for fetch, names in parser.fetches.items():
            target = _same_site(fetch)
            if target:
                form_fields.setdefault(target, set()).update(names)
                persona_of.setdefault(target, persona)
        for key in [k for k, v in kwargs.items() if isinstance(v, int)]:
            for number in HOSTILE_PATH_INTS:
                sweep.send("get", reverse(name, kwargs={**kwargs, key: number}), [], f"{key}={number}")

    sweep.before = domain_row_counts()
    # GET: every parameter at once per hostile value, then each form's own fields one at a time
    # (one bad parameter may stop a view before it reads the next).
    for url in sorted(set(get_names) | set(form_fields)):
        sweep.log_in(world.users[persona_of.get(url, "anonymous")])
        names = sorted(get_names.get(url, set()) | form_fields.get(url, set()))
        for value in HOSTILE:
            sweep.send("get", url, [(n, value) for n in names], f"all of {names}={value[:20]!r}")
        for param in sorted(form_fields.get(url, set())):
            for value in HOSTILE:
                sweep.send("get", url, [(param, value)], f"{param}={value[:20]!r}")
    # POST: each form as shown, then one field at a time replaced by each hostile value.
    for (url, _names), (persona, form) in sorted(post_forms.items()):
        sweep.log_in(world.users[persona])
        base = submission(form)
        sweep.send("post", url, base, "as shown")
        for index, (param, _value) in enumerate(base):
            for value in HOSTILE:
                pairs = [*base[:index], (param, value), *base[index + 1 :]]
                sweep.send("post", url, pairs, f"{param}={value[:20]!r}")

    print(
        f"\nhostile-input sweep: {sweep.sent} requests to {len(persona_of)} URLs, {len(post_forms)} forms, "
        f"statuses {dict(sorted(sweep.statuses.items()))}, {len(sweep.failures)} failures"
    )
    assert not sweep.failures, "\n".join(sweep.failures[:100])
