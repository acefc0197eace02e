"""Rendered once, reused often: the versions that key the search page's cached parts.

A cached part's key holds the version of every row it shows, so an edit makes a new key by itself and
nothing is ever deleted; the old entries age out. Keys are never made from the search words: the same
filter panel and the same result card appear on thousands of different searches (docs/search.md).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import time

from django.core.cache import cache
from django.db import connection, transaction
from django.utils.translation import get_language

from facilities.models import Service

LABELS_VERSION_KEY = "facilities:labels-version"
# Cached parts keyed on data versions stay valid until the data changes; a day bounds what unused
# combinations of filters keep in Redis.
FRAGMENT_SECONDS = 24 * 60 * 60


def _new_version(key: str) -> int:
    """The version stored at ``key``, started when missing. Started from the clock rather than 1: when
    Redis loses the key, the next number is larger than any number used before, so an entry made for
    older data is never taken for current."""
    version = cache.get(key)
    if version is None:
        version = time.time_ns()
        if not cache.add(key, version, timeout=None):
            version = cache.get(key, version)
    return version


def _bump(key: str) -> None:
    # No version yet (ValueError): the next reader starts a new, larger one.
    with contextlib.suppress(ValueError):
        cache.incr(key)


def labels_version() -> int:
    """Version of the サービス種別 and 地区 names and order (the filter panel's options, the cards' tags)."""
    return _new_version(LABELS_VERSION_KEY)


def labels_changed(**kwargs) -> None:
    """Receiver for saving or deleting a Category or Area (admin, imports, migrations' code alike)."""
    _bump(LABELS_VERSION_KEY)


def _seats_key(service_id: int) -> str:
    return f"facilities:seats-version:{service_id}"


def seats_version(service_id: int) -> int:
    """Version of a service's sessions and their bookings (予約できる回 and the seats left on its page)."""
    return _new_version(_seats_key(service_id))


def seats_changed(service_id: int) -> None:
    """A session or booking of the service changed: once the transaction commits, its page's cached
    list of sessions is no longer current (bumped after the commit, so no request can cache the old
    seats under the new version)."""
    transaction.on_commit(lambda: _bump(_seats_key(service_id)))


def service_rows_version(pk: int, today: dt.date, *, days: int) -> str | None:
    """Digest of every row a service page shows, computed by PostgreSQL without loading them (the
    function ``facilities_service_page_digest``, migration 0015): the service, its category and parent
    category, organization, place and 地区, weekly hours and the special dates from yesterday to
    ``days`` ahead; None when parents may not see the service.

    The loaded rows are cached under it (facilities.views._visible_service): building the ORM query
    that loads them cost more than the rest of the page. Whole rows are digested, so any change
    (admin, import, a hub's queryset update of the status) makes a new version by itself."""
    visible, params = Service.objects.visible_to_parents().filter(pk=pk).values("pk").query.sql_with_params()
    sql = f"SELECT facilities_service_page_digest(v.pk, %s, %s) FROM ({visible}) v"
    with connection.cursor() as cursor:
        cursor.execute(sql, [today - dt.timedelta(days=1), today + dt.timedelta(days=days), *params])
        row = cursor.fetchone()
    return None if row is None else row[0]


def card_version(service: Service) -> str:
    """Digest of everything a search result card shows (``{% card %}`` around
    facilities/_result_card.html), and the language: a field added to the card belongs here too.

    Made from the values themselves, already loaded for the card, not from ``updated_at``: 休止中 set by
    a hub's queryset update and a renamed category or 地区 change the card without saving the service.
    The hours line is keyed on what it says (open now, today's hours, the next opening, the distance),
    so a card is rendered again when that changes, not every minute."""
    category, area = service.category, service.location.area
    shown = (
        get_language(),
        service.pk,
        service.name,
        service.name_en,
        service.status,
        service.is_free,
        service.bookable_online,
        service.phone,
        service.summary,
        (category.slug, category.name, category.name_en),
        (area.name, area.name_en),
        (service.open_now, service.hours_today, service.next_opening, service.km),
    )
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


def card_key(version: str) -> str:
    return f"facilities:card:{version}"


def cached_cards(services: list[Service]) -> dict[str, str]:
    """The rendered cards of a result page already in the cache, read in one round trip; each service
    gets its ``card_version`` for the template's ``{% card %}``."""
    for service in services:
        service.card_version = card_version(service)
    return cache.get_many([card_key(service.card_version) for service in services])
