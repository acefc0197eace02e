"""The benchmark's Django side, run by bench/run.py in the benchmark's own environment (its database,
its SECRET_KEY), never against a real portal.

    python bench/django_side.py targets OUTDIR        write the request paths each endpoint is loaded with
    python bench/django_side.py explain QUERYSTRING   EXPLAIN ANALYZE of the search a query string makes
    python bench/django_side.py booking BASE_URL OUT  50 parents race for 10 seats over HTTP (contention)
    python bench/django_side.py mixed_setup PATHS OUT the parents, sessions and pages of the mixed run
    python bench/django_side.py mixed_check PLAN OUT  seats confirmed per session after the mixed run
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from allauth.account.models import EmailAddress  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from facilities.bookings import services as booking_services  # noqa: E402
from facilities.bookings.models import Booking, Session  # noqa: E402
from facilities.forms import SearchForm  # noqa: E402
from facilities.models import Area, Service, Situation  # noqa: E402
from facilities.search import SearchResults, priced_for_text_checks  # noqa: E402
from facilities.views import COUNT_CAP, PAGE_SIZE  # noqa: E402
from portal.models import Role, User  # noqa: E402

# (query, kind) — 1, 2 and 4 characters, kanji, hiragana and katakana, mixed scripts, sentences,
# English and a typo, as parents type them.
QUERIES = [
    ("園", "1 kanji"),
    ("館", "1 kanji"),
    ("ひ", "1 kana"),
    ("保育", "2 kanji"),
    ("児童", "2 kanji"),
    ("ひろ", "2 kana"),
    ("さく", "2 kana"),
    ("一時保育", "4 kanji"),
    ("病児保育", "4 kanji"),
    ("ひまわり", "4 kana"),
    ("サークル", "4 katakana"),
    ("いちじ", "3 kana reading"),
    ("一時あずかり", "mixed script"),
    ("病児ほいく", "mixed script"),
    ("ひろばナカヨシ", "mixed script"),
    ("子ども発達", "mixed script compound"),
    ("夜中に子どもを預けたい", "sentence"),
    ("子育てがしんどい", "sentence"),
    ("うちの子 落ち着きがない", "sentence"),
    ("仕事を休めないけど子どもが熱を出した", "sentence"),
    ("temporary childcare", "english"),
    ("いちじあづかり", "typo"),
]
# (category slugs, age in months) a family would tick alongside each query.
FILTERS = [
    (["nursery", "certified-kodomoen"], 12),
    (["hub"], 6),
    (["temporary-care"], 24),
    (["after-school-club", "childrens-hall"], 84),
]
SERVICE_PAGES = 300
CLIENTS, SESSIONS, SEATS_PER_SESSION = 50, 5, 2


def targets(outdir: Path) -> None:
    """One file of paths per endpoint; the same seed picks the same services and districts."""
    rng = random.Random(7)
    areas = list(Area.objects.values_list("pk", "code"))
    search = reverse("facilities:search")
    paths: dict[str, list[str]] = {
        "baseline": [reverse("ping", args=[pk]) for pk, _code in areas],
        "search": [f"{search}?{urllib.parse.urlencode({'q': q})}" for q, _kind in QUERIES],
        "search_filtered": [],
    }
    for q, _kind in QUERIES:
        for categories, age in FILTERS:
            params = [("q", q), *[("category", c) for c in categories], ("area", rng.choice(areas)[1])]
            params.append(("age_months", str(age)))
            paths["search_filtered"].append(f"{search}?{urllib.parse.urlencode(params)}")
    visible = list(Service.objects.visible_to_parents().values_list("pk", flat=True))
    paths["service"] = [
        reverse("facilities:service_detail", args=[pk])
        for pk in rng.sample(visible, min(SERVICE_PAGES, len(visible)))
    ]
    outdir.mkdir(parents=True, exist_ok=True)
    for name, items in paths.items():
        (outdir / f"{name}.txt").write_text("\n".join(items) + "\n", encoding="utf-8")
    kinds = {urllib.parse.urlencode({"q": q}): kind for q, kind in QUERIES}
    (outdir / "kinds.json").write_text(json.dumps(kinds, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({name: len(items) for name, items in paths.items()}))


def explain(query_string: str) -> None:
    """The plans of the queries a result page runs for one request's parameters (SearchResults, as
    the view builds it): the filters' ids when they leave few services, the tiers or the ranking,
    the rows of the page, the capped count."""
    form = SearchForm(QueryDict(query_string))
    form.is_valid()
    with CaptureQueriesContext(connection) as page, priced_for_text_checks():
        results = SearchResults(**form.search_kwargs(), cap=COUNT_CAP)
        results[0:PAGE_SIZE]
        results.count()
        plans = []
        with connection.cursor() as cursor:
            for query in page.captured_queries:
                if query["sql"].startswith("SELECT"):
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                    plans.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    print(f"-- first page and count ({query_string}): {len(plans)} queries")
    for sql, plan in plans:
        print(f"\n{sql[:300]}\n{plan}")


def _parents_with_sessions(
    now: dt.datetime, *, clients: int = CLIENTS, sessions: int = SESSIONS, seats: int = SEATS_PER_SESSION
) -> tuple[list[tuple[User, int]], list[Session]]:
    service = (
        Service.objects.visible_to_parents()
        .filter(status=Service.Status.ACTIVE)
        .for_age_months(24)
        .order_by("pk")
        .first()
    )
    starts = timezone.localtime(now).replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=3
    )
    created = [
        booking_services.session_create(
            service=service,
            starts_at=starts + dt.timedelta(days=i),
            ends_at=starts + dt.timedelta(days=i, hours=2),
            capacity=seats,
            by=None,
            title=f"ベンチマークの回 {i + 1}",
            min_age_months=0,
            max_age_months=72,
        )
        for i in range(sessions)
    ]
    birth = timezone.localdate() - dt.timedelta(days=730)
    parents = []
    run = secrets.token_hex(4)
    for i in range(clients):
        user = User.objects.create_user(
            email=f"bench-{run}-{i}@example.test", password=None, role=Role.PARENT
        )
        child = booking_services.child_create(parent=user, nickname=f"こども{i}", birth_date=birth)
        parents.append((user, child.pk))
    return parents, created


def booking(base_url: str, out: Path) -> None:
    """50 signed-in parents POST to the booking endpoint at the same instant, 10 per session of 2 seats.

    Each client carries its own session cookie and CSRF token, as a browser would. Afterwards the
    database must hold at most ``capacity`` confirmed bookings per session, and no answer may be a 5xx.
    """
    now = timezone.now()
    parents, sessions = _parents_with_sessions(now)
    clients = []
    for i, (user, child_id) in enumerate(parents):
        client = Client()
        client.force_login(user)
        csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret as the token
        clients.append(
            {
                "cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}",
                "body": urllib.parse.urlencode({"child": child_id, "csrfmiddlewaretoken": csrf}).encode(),
                "url": base_url + reverse("bookings:booking_confirm", args=[sessions[i % SESSIONS].pk]),
            }
        )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    results: list[tuple[int, float]] = [(0, 0.0)] * CLIENTS
    barrier = threading.Barrier(CLIENTS)

    def book(i: int) -> None:
        spec = clients[i]
        request = urllib.request.Request(
            spec["url"], data=spec["body"], headers={"Cookie": spec["cookie"], "Referer": base_url + "/"}
        )
        barrier.wait()
        started = time.perf_counter()
        try:
            with opener.open(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except OSError:
            status = 0
        results[i] = (status, time.perf_counter() - started)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started

    per_session = []
    for session in Session.objects.filter(pk__in=[s.pk for s in sessions]).order_by("pk"):
        statuses = list(session.bookings.values_list("status", flat=True))
        per_session.append(
            {
                "capacity": session.capacity,
                "confirmed": statuses.count(Booking.Status.CONFIRMED),
                "waitlisted": statuses.count(Booking.Status.WAITLISTED),
            }
        )
    latencies = sorted(seconds for _status, seconds in results)
    statuses: dict[str, int] = {}
    for status, _seconds in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    report = {
        "via": "http",
        "endpoint": "bookings:booking_confirm (POST)",
        "clients": CLIENTS,
        "sessions": SESSIONS,
        "seats": SESSIONS * SEATS_PER_SESSION,
        "wall_s": round(wall, 3),
        "throughput_rps": round(CLIENTS / wall, 2),
        "latency_ms": {
            "p50": round(1000 * latencies[len(latencies) // 2], 1),
            "p95": round(1000 * latencies[int(len(latencies) * 0.95) - 1], 1),
            "max": round(1000 * latencies[-1], 1),
        },
        "status": statuses,
        "errors_5xx": sum(n for code, n in statuses.items() if code.startswith("5")),
        "failed_requests": statuses.get("0", 0),
        "per_session": per_session,
        "confirmed_total": sum(s["confirmed"] for s in per_session),
        "waitlisted_total": sum(s["waitlisted"] for s in per_session),
        "over_capacity_sessions": sum(1 for s in per_session if s["confirmed"] > s["capacity"]),
    }
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False))


def mixed_setup(paths_dir: Path, out: Path, parents: int) -> None:
    """The mixed run's plan: parents who can sign in (a verified address and a password), 20 sessions
    of 5 seats they book and cancel, and the pages they visit (the load's own paths and situations)."""
    password = secrets.token_urlsafe(12)
    users, sessions = _parents_with_sessions(timezone.now(), clients=parents, sessions=20, seats=5)
    for user, _child in users:
        user.set_password(password)
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    situations = Situation.objects.prefetch_related("categories")
    plan = {
        "parents": [{"email": u.email, "password": password, "child": child} for u, child in users],
        "sessions": [s.pk for s in sessions],
        "situations": [situation.search_url() for situation in situations],
        **{
            name: (paths_dir / f"{name}.txt").read_text(encoding="utf-8").split()
            for name in ("search", "search_filtered", "service")
        },
    }
    out.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")


def mixed_check(plan_file: Path, out: Path) -> None:
    """After the mixed run: no session holds more confirmed bookings than seats."""
    plan = json.loads(plan_file.read_text(encoding="utf-8"))
    over = 0
    bookings = 0
    for session in Session.objects.filter(pk__in=plan["sessions"]):
        confirmed = session.bookings.filter(status=Booking.Status.CONFIRMED).count()
        over += confirmed > session.capacity
        bookings += session.bookings.count()
    report = {"sessions": len(plan["sessions"]), "bookings_made": bookings, "over_capacity_sessions": over}
    out.write_text(json.dumps(report), encoding="utf-8")
    print(json.dumps(report))


def main() -> None:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("targets").add_argument("outdir", type=Path)
    commands.add_parser("explain").add_argument("query_string")
    book = commands.add_parser("booking")
    book.add_argument("base_url")
    book.add_argument("out", type=Path)
    setup = commands.add_parser("mixed_setup")
    setup.add_argument("paths_dir", type=Path)
    setup.add_argument("out", type=Path)
    setup.add_argument("--parents", type=int, default=100)
    check = commands.add_parser("mixed_check")
    check.add_argument("plan", type=Path)
    check.add_argument("out", type=Path)
    args = parser.parse_args()
    if args.command == "targets":
        targets(args.outdir)
    elif args.command == "explain":
        explain(args.query_string)
    elif args.command == "mixed_setup":
        mixed_setup(args.paths_dir, args.out, args.parents)
    elif args.command == "mixed_check":
        mixed_check(args.plan, args.out)
    else:
        booking(args.base_url, args.out)


if __name__ == "__main__":
    main()
