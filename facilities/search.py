"""Directory search (サービス検索): Japanese matching, filters and ranking, computed in the database.

Each service stores its searchable text normalized (``facilities.text.normalize``), one field a line:
name, reading (よみ), category names and their readings, place, description and its reading. A query
word matches when the stored text contains it (or one of its synonyms). On PostgreSQL the stored 1- and
2-character grams are indexed as an array with GIN, so even 2-character words (保育, 発達) use an index
whatever the database locale; for longer words a LIKE rechecks the rows the index found.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Concat

from facilities.models import Service, Synonym
from facilities.text import grams, normalize, query_grams, reading_of, romaji_to_hiragana

# Relevance points per query word (the best level wins). A synonym's match counts for less, so the word
# the parent typed wins over what the synonym table adds (一時保育 → 一時保育 before 一時預かり).
EXACT_NAME, NAME_PREFIX, NAME_PART, TEXT_PART = 100, 70, 50, 20
SYNONYM_WEIGHT = 0.6
# Filters leaving at most this many services are applied first (SearchResults._narrowed).
FEW_SERVICES = 2000
# Degrees of latitude → kilometres (distance is only used to order and to show "約 n km").
KM_PER_DEGREE = 111.32


@dataclasses.dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


# The search data a service keeps (Service.save(), reindex_services(), the benchmark generator).
SEARCH_DATA_FIELDS = ("search_name", "search_reading", "search_text", "search_grams")


def search_data(service: Service) -> dict[str, str]:
    """The SEARCH_DATA_FIELDS of one service; its category and location must be loaded (or loadable)."""
    name = normalize(service.name)
    reading = normalize(service.name_kana or reading_of(service.name))
    lines = [name, reading]
    category = service.category
    for cat in (category, category.parent) if category.parent_id else (category,):
        lines += [normalize(cat.name), normalize(reading_of(cat.name))]
    location = service.location
    lines += [normalize(location.name), normalize(location.name_kana)]
    lines += [normalize(service.description), normalize(reading_of(service.description))]
    text = "\n".join(line for line in lines if line)
    return {
        "search_name": name,
        "search_reading": reading,
        "search_text": text,
        "search_grams": " ".join(sorted(grams(text))),
    }


def set_search_data(service: Service) -> None:
    for field, value in search_data(service).items():
        setattr(service, field, value)


def reindex_services(queryset: QuerySet[Service], *, batch_size: int = 1000) -> int:
    """Recompute search data (and missing readings) for ``queryset``; for bulk paths that bypass
    ``Service.save()`` (bulk_create, import, benchmark data). Returns the number of services."""
    count = 0
    batch: list[Service] = []
    fields = ["name_kana", *SEARCH_DATA_FIELDS]
    for service in queryset.select_related("category__parent", "location").iterator(chunk_size=batch_size):
        if not service.name_kana.strip():
            service.name_kana = reading_of(service.name)
        set_search_data(service)
        batch.append(service)
        if len(batch) >= batch_size:
            Service.objects.bulk_update(batch, fields)
            count += len(batch)
            batch = []
    if batch:
        Service.objects.bulk_update(batch, fields)
        count += len(batch)
    return count


def merge_pending_grams() -> None:
    """After a bulk load: merge the grams index's pending list into the index (PostgreSQL).

    GIN queues new entries in a pending list (up to 4 MB) that every search scans until a vacuum
    merges it, and the planner, pricing that in, reads the whole table instead. Autovacuum merges it
    in time; a bulk load followed by searches (the benchmark, tests) must not wait for it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('facilities_service_search_grams_gin'::regclass)")


def query_words(query: str) -> list[str]:
    """Words of a query: split on spaces of any width (before they are dropped), normalized, de-duplicated."""
    words: list[str] = []
    for part in query.replace("\u3000", " ").split():
        word = normalize(part)
        if word and word not in words:
            words.append(word)
    return words


def expand_synonyms(words: Sequence[str]) -> dict[str, list[str]]:
    """Each word → [word, *its synonyms] from the staff-edited table, in one query."""
    alternatives = {word: [word] for word in words}
    if not words:
        return alternatives
    rows = Synonym.objects.filter(
        Q(term_normalized__in=words)
        | Q(term_reading__in=words)
        | Q(two_way=True, expansion_normalized__in=words)
        | Q(two_way=True, expansion_reading__in=words)
    )
    for row in rows:
        pairs = [((row.term_normalized, row.term_reading), row.expansion_normalized)]
        if row.two_way:
            pairs.append(((row.expansion_normalized, row.expansion_reading), row.term_normalized))
        for forms, other in pairs:
            for word in set(forms) & alternatives.keys():
                if other not in alternatives[word]:
                    alternatives[word].append(other)
    return alternatives


def _contains(term: str, *, indexed: bool = True) -> Q:
    """Stored text contains ``term``. On PostgreSQL the GIN-indexed grams find the candidates; a
    term of one or two characters is one gram, so the grams alone decide, and a longer one is
    rechecked with LIKE (its bigrams may be scattered). ``indexed=False`` checks the text alone: for
    a few services already chosen, which the planner must not look up through the grams instead."""
    text_match = Q(search_text__contains=term)
    if connection.vendor != "postgresql" or not indexed:
        return text_match
    index_match = Q(
        RawSQL(
            '"facilities_service"."search_grams" @> %s::text[]',
            (query_grams(term),),
            output_field=BooleanField(),
        )
    )
    return index_match if len(term) <= 2 else index_match & text_match


def _pk_in(ids: list[int]) -> Q:
    """``pk__in`` as one array parameter on PostgreSQL (a long IN list costs milliseconds to build
    and parse, and a page asks it twice)."""
    if connection.vendor != "postgresql":
        return Q(pk__in=ids)
    return Q(RawSQL('"facilities_service"."id" = ANY(%s)', (ids,), output_field=BooleanField()))


@dataclasses.dataclass(frozen=True)
class Level:
    """One relevance level of a word's name match. ``sorted_by_index`` levels (exact, prefix) are found
    through the name and reading indexes and sorted; the others are collected walking the 五十音 order."""

    points: int
    condition: Callable[[str], Q]
    sorted_by_index: bool


# A service's points for a word: the first level its name or reading reaches, else TEXT_PART.
NAME_LEVELS = [
    Level(EXACT_NAME, lambda a: Q(search_name=a) | Q(search_reading=a), True),
    Level(NAME_PREFIX, lambda a: Q(search_name__startswith=a) | Q(search_reading__startswith=a), True),
    Level(NAME_PART, lambda a: Q(search_name__contains=a) | Q(search_reading__contains=a), False),
]


@dataclasses.dataclass(frozen=True)
class Word:
    """One query word: what the parent typed (and its kana form when typed in romaji), then synonyms."""

    alternatives: tuple[str, ...]
    direct: int

    def match(self, *, indexed: bool = True) -> Q:
        """The stored text contains the word or one of its synonyms."""
        match = Q()
        for alternative in self.alternatives:
            match |= _contains(alternative, indexed=indexed)
        return match

    def tiers(self) -> list[tuple[int, Q, bool]]:
        """(points, condition, sorted_by_index) per distinct score, highest first; a synonym's match
        counts for SYNONYM_WEIGHT of the word's own."""
        by_points: dict[int, tuple[Q, bool]] = {}
        for level in NAME_LEVELS:
            for i, alternative in enumerate(self.alternatives):
                points = level.points if i < self.direct else round(level.points * SYNONYM_WEIGHT)
                condition, _ = by_points.get(points, (Q(), level.sorted_by_index))
                by_points[points] = (condition | level.condition(alternative), level.sorted_by_index)
        return [(points, *by_points[points]) for points in sorted(by_points, reverse=True)]

    def score(self) -> Case:
        whens = [When(condition, then=Value(points)) for points, condition, _ in self.tiers()]
        # A Case takes the first matching When: the highest points first.
        return Case(*whens, default=Value(TEXT_PART), output_field=IntegerField())


def parse_query(query: str) -> list[Word]:
    """The words of ``query`` with their alternatives: a word typed in romaji (hiroba) also matches
    its hiragana (ひろば), and each form its synonyms (one query for all)."""
    words = query_words(query)
    forms = {word: [word] + ([kana] if (kana := romaji_to_hiragana(word)) else []) for word in words}
    synonyms = expand_synonyms([form for word in words for form in forms[word]])
    parsed = []
    for word in words:
        alternatives = list(forms[word])
        for form in forms[word]:
            alternatives += [a for a in synonyms[form] if a not in alternatives]
        parsed.append(Word(tuple(alternatives), direct=len(forms[word])))
    return parsed


def _match_words(
    services: QuerySet[Service], words: Sequence[Word], *, indexed: bool = True
) -> QuerySet[Service]:
    score = Value(0, output_field=IntegerField())
    for word in words:
        services = services.filter(word.match(indexed=indexed))
        score = score + word.score()
    return services.annotate(relevance=score)


def match_query(services: QuerySet[Service], query: str) -> QuerySet[Service]:
    """``services`` containing every word of ``query`` (or a synonym of it), annotated with
    ``relevance``; no visibility rule (the admin searches hidden entries too)."""
    return _match_words(services, parse_query(query))


def filter_services(
    services: QuerySet[Service],
    *,
    categories: Iterable[str] = (),
    area: str | None = None,
    age_months: int | None = None,
    pregnant: bool = False,
    open_at: dt.datetime | None = None,
    nights_weekends: bool = False,
    bookable_online: bool = False,
    free: bool = False,
) -> QuerySet[Service]:
    """The search filters. ``categories`` are slugs; a parent category includes its children.
    ``age_months`` and ``pregnant`` together mean "for this child or for the pregnancy"."""
    categories = list(categories)
    if categories:
        services = services.filter(
            Q(category__slug__in=categories) | Q(category__parent__slug__in=categories)
        )
    if area:
        services = services.filter(location__area__code=area)
    if age_months is not None and pregnant:
        services = services.filter(
            Q(for_pregnant=True) | Q(pk__in=Service.objects.for_age_months(age_months).values("pk"))
        )
    elif age_months is not None:
        services = services.for_age_months(age_months)
    elif pregnant:
        services = services.filter(for_pregnant=True)
    if open_at is not None:
        services = services.open_at(open_at)
    if nights_weekends:
        services = services.open_nights_or_weekends()
    if bookable_online:
        services = services.filter(bookable_online=True)
    if free:
        services = services.filter(is_free=True)
    return services


def _with_distance(services: QuerySet[Service], point: Point) -> QuerySet[Service]:
    scale = math.cos(math.radians(point.latitude))
    lat = Cast("location__latitude", FloatField()) - Value(point.latitude)
    lng = (Cast("location__longitude", FloatField()) - Value(point.longitude)) * Value(scale)
    return services.annotate(distance=lat * lat + lng * lng)


def _ranked(
    services: QuerySet[Service],
    words: Sequence[Word],
    point: Point | None,
    sort: str,
    *,
    indexed: bool = True,
) -> QuerySet[Service]:
    services = _match_words(services, words, indexed=indexed)
    # Without words every service scores 0 (and a constant in ORDER BY would read as a column number).
    order = [F("relevance").desc()] if words else []
    if point is not None:
        services = _with_distance(services, point)
        distance = F("distance").asc(nulls_last=True)
        order = [distance, *order] if sort == "distance" else [*order, distance]
    return services.order_by(*order, "search_reading", "pk")


def search_services(
    *,
    query: str = "",
    point: Point | None = None,
    sort: str = "relevance",
    queryset: QuerySet[Service] | None = None,
    **filters: Any,
) -> QuerySet[Service]:
    """Services visible to parents that match every query word (or a synonym of it) and every filter
    (``filter_services``), annotated with ``relevance`` and, with a ``point``, ``distance`` (squared
    degrees; see ``km``), in result order: relevance, then 五十音順 of the reading. ``sort`` is
    "relevance" or "distance" (nearest first, then relevance).

    This is the definition of the ranking; result pages read it through ``SearchResults``."""
    services = filter_services(
        (queryset if queryset is not None else Service.objects.all()).visible_to_parents(), **filters
    )
    return _ranked(services, parse_query(query), point, sort).select_related("category", "location__area")


# What PostgreSQL's planner should assume an operator costs while it plans a search (its default is
# 0.0025); see priced_for_text_checks.
SEARCH_OPERATOR_COST = 0.05


@contextlib.contextmanager
def priced_for_text_checks() -> Iterator[None]:
    """A transaction whose planner knows that text checks are expensive, for a search's queries.

    PostgreSQL prices every operator at ``cpu_operator_cost``, a grams containment or a LIKE over a
    service's text as much as an integer comparison, though they cost 5–20 µs a row. On a directory
    of some thousands it then reads every row rather than use an index (10,000 services: the 館
    name tier 120 ms instead of 17, the count for 病児保育 250 ms instead of 16). The setting is
    local to this transaction and reset before an enclosing one goes on (after an error, rolling
    back the savepoint undoes it)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL cpu_operator_cost = {SEARCH_OPERATOR_COST}")
        yield
        cursor.execute("RESET cpu_operator_cost")


class SearchResults:
    """One search as result pages read it: ``count()`` stops at ``cap`` + 1, and a slice holds the
    services of ``search_services`` in the same order, loaded by ``load`` (what a page shows).

    Ranking every match of a common word costs as much as the directory is large (保育 is in half of
    100,000 entries). For a one-word query, the usual case, a slice is collected tier by tier
    instead: each relevance level of the word (exact name or reading, prefix, part, then text) is a
    query of its own, in 五十音順, asking only for the rows still missing, and the next level is
    asked only when this one runs short. Exact and prefix levels come from the name and reading
    indexes; the others walk the partial index in 五十音 order, which stops after
    (rows wanted ÷ share of services matching) rows, or start from the grams index when the word is
    rare. Several words (the score is a sum) or a distance order rank every match, as before.

    Build and read it inside ``priced_for_text_checks()`` (the search view does).
    """

    def __init__(
        self,
        *,
        query: str = "",
        point: Point | None = None,
        sort: str = "relevance",
        cap: int,
        load: Callable[[QuerySet[Service]], QuerySet[Service]] = lambda services: services,
        **filters: Any,
    ) -> None:
        self.words = parse_query(query)
        self.point = point
        self.cap = cap
        self.load = load
        self.filtered = filter_services(Service.objects.visible_to_parents(), **filters)
        self.few = self._few_filtered(filters)
        if self.few is not None:
            self.filtered = Service.objects.filter(_pk_in(self.few))
        self.ranked = _ranked(self.filtered, self.words, point, sort, indexed=self.few is None)

    def _few_filtered(self, filters: dict[str, Any]) -> list[int] | None:
        """The ids the filters leave, when they leave at most FEW_SERVICES and there are words to check.

        Checking a word against a service's text costs some 20 µs a row, a 地区 or category next to
        nothing, but PostgreSQL prices both alike and may check the text of thousands of services to
        keep the few in one 地区. Taking the filters' ids first (indexes only) bounds the text checks
        to the services the filters leave; so few are then ranked in one query, not tier by tier."""
        # Unset filters are None, False or empty; an age of 0 months is a filter (0 == False in Python).
        unset = [value is None or value is False or value in ([], ()) for value in filters.values()]
        if not self.words or all(unset):
            return None
        ids = list(self.filtered.order_by().values_list("pk", flat=True)[: FEW_SERVICES + 1])
        return ids if len(ids) <= FEW_SERVICES else None

    def count(self) -> int:
        if self.few is not None:
            return min(len(self._few_ranked_ids), self.cap + 1)
        return self.ranked.order_by()[: self.cap + 1].count()

    @functools.cached_property
    def _few_ranked_ids(self) -> list[int]:
        """All matches among the few filtered services, ranked: one query serves count and pages."""
        return list(self.ranked.values_list("pk", flat=True))

    def __getitem__(self, index: slice) -> list[Service]:
        start, stop = index.start or 0, index.stop
        ids = self._ranked_ids(stop)[start:stop]
        services = Service.objects.filter(pk__in=ids).select_related("category", "location__area")
        if self.point is not None:
            services = _with_distance(services, self.point)
        by_pk = {service.pk: service for service in self.load(services)}
        return [by_pk[pk] for pk in ids]

    def _ranked_ids(self, stop: int) -> list[int]:
        if self.few is not None:
            return self._few_ranked_ids[:stop]
        if len(self.words) != 1 or self.point is not None:
            return list(self.ranked.values_list("pk", flat=True)[:stop])
        word = self.words[0]
        ids: list[int] = []
        higher = Q()
        for _points, condition, sorted_by_index in [*word.tiers(), (TEXT_PART, Q(), False)]:
            tier = self.filtered.filter(condition & ~higher if higher else condition)
            if not sorted_by_index:
                # Exact and prefix tiers are range scans of the name and reading indexes. The others
                # repeat the text match, which their conditions imply: a rare (or unknown) word is
                # then found through the grams index instead of a walk of the whole 五十音 order.
                # After the name conditions, as PostgreSQL checks them in the order written and
                # prices both alike, though a name LIKE costs a fraction of the grams check.
                tier = tier.filter(word.match())
            # Ordering by an expression keeps PostgreSQL from walking the reading index for a level
            # whose rows cluster in one stretch of it (names starting with 保育 all read ほいく…).
            order = Concat("search_reading", Value("")) if sorted_by_index else F("search_reading")
            ids += tier.order_by(order, "pk").values_list("pk", flat=True)[: stop - len(ids)]
            if len(ids) >= stop:
                break
            higher |= condition
        return ids


def km(distance: float | None) -> float | None:
    """Kilometres from the ``distance`` annotation (an equirectangular approximation, fine in a city)."""
    return None if distance is None else math.sqrt(distance) * KM_PER_DEGREE
