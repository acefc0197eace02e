"""Rendered once, reused often: the versions that key the search page's cached parts.

A cached part's key holds the version of every row it shows, so an edit makes a new key by itself and
nothing is ever deleted; the old entries age out. Keys are never made from the search words: the same
filter panel and the same result card appear on thousands of different searches (docs/search.md).
"""

from __future__ import annotations

import contextlib
import time

from django.core.cache import cache

LABELS_VERSION_KEY = "facilities:labels-version"
# Cached parts keyed on data versions stay valid until the data changes; a day bounds what unused
# combinations of filters keep in Redis.
FRAGMENT_SECONDS = 24 * 60 * 60


def labels_version() -> int:
    """Version of the サービス種別 and 地区 names and order (the filter panel's options, the cards' tags).

    Started from the clock rather than 1: when Redis loses the key, the next number is larger than any
    number used before, so an entry made for older names is never taken for current."""
    version = cache.get(LABELS_VERSION_KEY)
    if version is None:
        version = time.time_ns()
        if not cache.add(LABELS_VERSION_KEY, version, timeout=None):
            version = cache.get(LABELS_VERSION_KEY, version)
    return version


def labels_changed(**kwargs) -> None:
    """Receiver for saving or deleting a Category or Area (admin, imports, migrations' code alike)."""
    # No version yet (ValueError): the next reader starts a new, larger one.
    with contextlib.suppress(ValueError):
        cache.incr(LABELS_VERSION_KEY)
