from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch, Value
from django.db.models.functions import Coalesce, Left, NullIf
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from facilities.caching import FRAGMENT_SECONDS, cached_cards, seats_version, service_rows_version
from facilities.forms import SearchForm, SearchMissForm
from facilities.models import SearchMiss, Service, Situation, SpecialHours, WeeklyHours, attach_opening_hours
from facilities.search import (
    CONTACTS_SHOWN,
    consultation_contacts,
    find_services,
    km,
    priced_for_text_checks,
)
from facilities.search_data import SEARCH_DATA_FIELDS
from facilities.services import search_miss_add_situation_word, search_miss_add_synonym, search_miss_record
from facilities.urgent import needs_urgent_help
from portal.dates import first_of_month
from portal.forms import add_validation_errors
from portal.i18n import in_english, localized
from portal.permissions import city_staff_required

PAGE_SIZE = 20
# Results are counted up to this many: a very common word (保育 matches half of a large directory)
# need not be counted to the last row, and nobody pages past it.
COUNT_CAP = 200
# Characters of the description on a result card.
SUMMARY_CHARS = 80
# A closed result says when it next opens, looking this many days ahead.
NEXT_OPENING_DAYS = 7
# The staff list of searches that found nothing shows the most frequent this many.
MISSES_SHOWN = 100
# Upcoming exception dates shown on a service page.
EXCEPTION_DAYS = 60


# What a result card, its hours and the map read: the other columns (the search data, the open data
# record, the full description: a card shows 80 characters of it) stay in the database. A field a card
# shows and this list lacks costs a query per card (tests/facilities/test_page_cache.py bounds them).
CARD_FIELDS = (
    "name",
    "name_en",
    "status",
    "is_free",
    "bookable_online",
    "phone",
    "closed_on_holidays",
    "category__slug",
    "category__name",
    "category__name_en",
    "location__latitude",
    "location__longitude",
    "location__area__name",
    "location__area__name_en",
)


class CappedPaginator(Paginator):
    """Pages of ``SearchResults``, whose count stops at its cap + 1."""

    @property
    def capped(self) -> bool:
        return self.count > self.object_list.cap


def _hours_prefetch(today: dt.date, *, days: int) -> tuple[str, Prefetch]:
    """The opening hours a page shows: the weekly hours, and the special dates from yesterday to
    ``days`` ahead."""
    return (
        "weekly_hours",
        Prefetch(
            "special_hours",
            queryset=SpecialHours.objects.filter(
                date__gte=today - dt.timedelta(days=1), date__lte=today + dt.timedelta(days=days)
            ),
        ),
    )


def _visible_service(pk: int, today: dt.date, rows: str) -> Service:
    """A service parents may see, with what its page shows; 404 for hidden or ended entries.

    With the digest of its rows (``rows``, from ``service_rows_version``; empty when the database
    gives none) the loaded rows are cached under it: an edit anywhere in them makes a new key, so
    nothing is ever invalidated."""
    key = f"facilities:service-rows:{pk}:{today.isoformat()}:{rows}" if rows else None
    service = cache.get(key) if key else None
    if service is not None:
        return service
    services = (
        Service.objects.visible_to_parents()
        .defer(*SEARCH_DATA_FIELDS)
        .select_related("category__parent", "organization", "location__area")
        .prefetch_related(*_hours_prefetch(today, days=EXCEPTION_DAYS))
    )
    service = get_object_or_404(services, pk=pk)
    if key:
        cache.set(key, service, FRAGMENT_SECONDS)
    return service


@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    """さがす: text + filters; htmx swaps only the results and keeps the URL in step."""
    canonical = _canonical_url(request)
    if canonical is not None:
        return redirect(canonical)
    form = SearchForm(request.GET or None)
    form.is_valid()  # the valid fields apply; the others are reported next to their inputs
    kwargs = form.search_kwargs()
    now = timezone.localtime()
    today = now.date()
    # The card's summary in the page's language: the city's English description when it gave one.
    summary_source = (
        Coalesce(NullIf("description_en", Value("")), "description") if in_english() else "description"
    )

    def load(services):
        return services.only(*CARD_FIELDS).annotate(summary=Left(summary_source, SUMMARY_CHARS + 1))

    with priced_for_text_checks():
        finding = find_services(**kwargs, cap=COUNT_CAP, load=load, now=kwargs.get("open_at") or now)
        page = CappedPaginator(finding.results, PAGE_SIZE).get_page(request.GET.get("page"))
    attach_opening_hours(
        page.object_list, today - dt.timedelta(days=1), today + dt.timedelta(days=NEXT_OPENING_DAYS)
    )
    for service in page:
        _describe_opening(service, now)
    if finding.missed and page.number == 1 and _typed_in_full(request):
        search_miss_record(query=kwargs["query"], today=today)
    situation_slug = getattr(form, "cleaned_data", {}).get("situation")
    situation = Situation.objects.filter(slug=situation_slug).first() if situation_slug else None
    urgent = needs_urgent_help(situation_slug=situation_slug, now=now)
    services = list(page)
    if urgent:
        # Someone who needs help tonight sees what is open now first (the sort is stable, so the
        # ranking holds within each group; it reorders this page, not the whole result set).
        services.sort(key=lambda service: not service.open_now)
    contacts = consultation_contacts() if finding.missed or not page.object_list else []
    markers = [
        {
            "name": localized(s),
            "url": s.get_absolute_url(),
            "lat": float(s.location.latitude),
            "lng": float(s.location.longitude),
        }
        for s in services
        if s.location.latitude is not None and s.location.longitude is not None
    ]
    context = {
        "form": form,
        "page": page,
        "cards": cached_cards(services),
        "finding": finding,
        "contacts": contacts[:CONTACTS_SHOWN],
        "more_contacts": len(contacts) > CONTACTS_SHOWN,
        "services": services,
        "situation": situation,
        "urgent": urgent,
        "markers": markers,
        "query_string": _without_page(request),
        "count_cap": COUNT_CAP,
        "map_tile_url": settings.MAP_TILE_URL,
        "panel_seconds": FRAGMENT_SECONDS,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "facilities/search.html#results", context)
    return render(request, "facilities/search.html", context)


def _describe_opening(service: Service, now: dt.datetime) -> None:
    """What a result card says of the hours: open now, today's hours, and when a closed one next opens."""
    service.open_now = service.is_open_at(now)
    service.hours_today = service.hours_on(now.date())
    service.next_opening = None if service.open_now else service.next_opening(now, days=NEXT_OPENING_DAYS)
    service.km = km(getattr(service, "distance", None))


def _typed_in_full(request: HttpRequest) -> bool:
    """Not a search htmx sends while the parent is still typing (a half-typed word is no miss)."""
    return not request.htmx or request.htmx.trigger != "id_q"


def _canonical_url(request: HttpRequest) -> str | None:
    """The search URL without empty parameters, or None when the request already is it.

    A GET form sends every field, filled or not; without JavaScript the browser lands here with
    ``?q=ひろば&area=&when=…``, and is sent on to ``?q=ひろば`` so a shared or bookmarked search is short
    and every search has one URL (the page's script drops the empty fields before sending)."""
    if request.htmx:
        return None
    pairs = [(key, value) for key, values in request.GET.lists() for value in values]
    kept = [(key, value) for key, value in pairs if value.strip()]
    if len(kept) == len(pairs):
        return None
    return f"{request.path}?{urlencode(kept)}" if kept else request.path


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """サービスの詳細: today's hours first, then the week, exceptions, place, cost and how to use it.

    The page's content is cached under the digest of the rows it shows (computed by PostgreSQL,
    ``service_rows_version``) and the version of its seats (bumped when a session or booking commits),
    until the clock alone would change it (``_changes_at``): an edit or a booking shows at once. The
    header (who is signed in, the language switch and its CSRF token) is rendered for each request."""
    now = timezone.localtime()
    today = now.date()
    rows = service_rows_version(pk, today, days=EXCEPTION_DAYS) if connection.vendor == "postgresql" else ""
    if rows is None:
        raise Http404
    key = None
    if rows:
        parts = (pk, rows, seats_version(pk), get_language(), request.scheme, request.get_host())
        key = "facilities:service-page:" + ":".join(map(str, parts))
    page = cache.get(key) if key else None
    if page is None or now >= page["until"]:
        page = _service_page(request, _visible_service(pk, today, rows), now)
        if key:
            cache.set(key, page, min((page["until"] - now).total_seconds(), FRAGMENT_SECONDS))
    return render(request, "facilities/service_detail.html", {"page": page})


def _service_page(request: HttpRequest, service: Service, now: dt.datetime) -> dict:
    """The service page's title, head and content, rendered, and ``until``: when the clock alone would
    change them (``_changes_at``; the list of sessions adds its own times while it renders)."""
    today = now.date()
    weekly: dict[int, list[WeeklyHours]] = {day: [] for day in range(7)}
    for period in service.weekly_hours.all():
        weekly[period.weekday].append(period)
    week = [(WeeklyHours.Weekday(day).label, weekly[day]) for day in range(7)]
    exceptions = [s for s in service.special_hours.all() if s.date >= today]
    changes_at = _changes_at(service, now)
    context = {
        "service": service,
        "open_now": service.is_open_at(now),
        "hours_today": service.hours_on(today),
        "today": today,
        "week": week,
        "exceptions": exceptions,
        "json_ld": _json_ld(request, service),
        "map_tile_url": settings.MAP_TILE_URL,
        "is_hub": service.category.slug == "hub",
        "page_version": _page_version(service, exceptions),
        # Times after now when the content reads differently (bookings' upcoming_sessions_for adds the
        # listed sessions' start, booking opening and deadline).
        "changes_at": changes_at,
    }
    return {
        "title": localized(service),
        "head": render_to_string("facilities/_service_head.html", context, request),
        "content": render_to_string("facilities/_service_content.html", context, request),
        "until": min(changes_at),
    }


def _changes_at(service: Service, now: dt.datetime) -> list[dt.datetime]:
    """When the page's text changes with the clock alone: midnight (きょう, the exception dates) and
    today's opening and closing times, those of yesterday's overnight periods included (いま開いています)."""
    today = now.date()
    times = [dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0), now.tzinfo)]
    for day in (today - dt.timedelta(days=1), today):
        for opens, closes in service.hours_on(day):
            times += [dt.datetime.combine(today, t, now.tzinfo) for t in (opens, closes) if t is not None]
    return [t for t in times if t > now]


def _page_version(service: Service, exceptions: list[SpecialHours]) -> str:
    """Digest of every row the cached part of the service page shows (the service, its category,
    organization, place and district, weekly hours and upcoming exception dates) and the language.

    The page's `{% cache %}` is keyed on it, so any edit (admin, import, bulk update, hours) makes a
    new key by itself: nothing to invalidate, and the live parts (today, open now, seats) stay out."""
    rows = [
        service,
        service.category,
        service.category.parent,
        service.organization,
        service.location,
        service.location.area,
        *service.weekly_hours.all(),
        *exceptions,
    ]
    digest = hashlib.blake2b(get_language().encode(), digest_size=16)
    for row in rows:
        fields = {} if row is None else {k: v for k, v in vars(row).items() if not k.startswith("_")}
        digest.update(repr(sorted(fields.items())).encode())
    return digest.hexdigest()


def _json_ld(request: HttpRequest, service: Service) -> dict:
    """schema.org description of the place (Place with opening hours) for search engines."""
    location = service.location
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Place",
        "name": localized(service),
        "description": localized(service, "description"),
        "url": request.build_absolute_uri(service.get_absolute_url()),
        "address": {
            "@type": "PostalAddress",
            "postalCode": location.postal_code,
            "streetAddress": location.address,
            "addressCountry": "JP",
        },
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{dt.date(2024, 1, 1 + p.weekday).strftime('%A')}",
                "opens": p.opens_at.strftime("%H:%M"),
                "closes": p.closes_at.strftime("%H:%M"),
            }
            for p in service.weekly_hours.all()
        ],
    }
    if service.phone:
        data["telephone"] = service.phone
    if location.latitude is not None and location.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(location.latitude),
            "longitude": float(location.longitude),
        }
    return data


def situations(request: HttpRequest) -> HttpResponse:
    """こんなときは: situations in the parent's words, each leading to filtered results."""
    return render(request, "facilities/situations.html", {"situations": situation_list()})


def situation_list() -> list[Situation]:
    return list(Situation.objects.prefetch_related("categories"))


@city_staff_required
@require_http_methods(["GET", "POST"])
def search_misses(request: HttpRequest) -> HttpResponse:
    """見つからなかった検索: this month's queries whose words together found nothing, most frequent first;
    from each, a synonym or a こんなときは word in one step."""
    month = first_of_month(timezone.localdate())
    misses = list(SearchMiss.objects.filter(month=month)[:MISSES_SHOWN])
    forms = {
        miss.query: SearchMissForm(initial={"query": miss.query}, prefix=f"m{miss.pk}") for miss in misses
    }
    if request.method == "POST":
        posted = next((miss for miss in misses if f"m{miss.pk}-query" in request.POST), None)
        if posted is None:
            messages.error(request, _("この検索語は今月の一覧にありません。"))
            return redirect(reverse("facilities:search_misses"))
        form = forms[posted.query] = SearchMissForm(request.POST, prefix=f"m{posted.pk}")
        if form.is_valid() and _add_from_miss(form):
            messages.success(request, _("「%(query)s」を追加しました。") % {"query": posted.query})
            return redirect(reverse("facilities:search_misses"))
    rows = [(miss, forms[miss.query]) for miss in misses]
    return render(request, "facilities/search_misses.html", {"rows": rows, "month": month})


def _add_from_miss(form: SearchMissForm) -> bool:
    """Adds what ``form`` asks; a rule the new row breaks (a pair already there) goes to the form."""
    data = form.cleaned_data
    try:
        if data["expansion"]:
            search_miss_add_synonym(query=data["query"], expansion=data["expansion"])
        else:
            search_miss_add_situation_word(query=data["query"], situation=data["situation"])
    except ValidationError as error:
        add_validation_errors(form, error)
        return False
    return True
