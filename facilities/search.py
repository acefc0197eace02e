"""Directory search (サービス検索): Japanese matching, filters and ranking, computed in the database.

Each service stores its searchable text normalized (``facilities.text.normalize``), one field a line:
name, reading (よみ), category names and their readings, place, description and its reading. A query
word matches when the stored text contains it (or one of its synonyms). On PostgreSQL the stored 1- and
2-character grams are indexed as an array with GIN, so even 2-character words (保育, 発達) use an index
whatever the database locale; for longer words a LIKE rechecks the rows the index found.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Sequence

from django.db import connection
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
from django.db.models.functions import Cast

from facilities.models import Service, Synonym
from facilities.text import grams, normalize, query_grams, reading_of, romaji_to_hiragana

# Relevance points per query word (the best level wins). A synonym's match counts for less, so the word
# the parent typed wins over what the synonym table adds (一時保育 → 一時保育 before 一時預かり).
EXACT_NAME, NAME_PREFIX, NAME_PART, TEXT_PART = 100, 70, 50, 20
SYNONYM_WEIGHT = 0.6
# Degrees of latitude → kilometres (distance is only used to order and to show "約 n km").
KM_PER_DEGREE = 111.32


@dataclasses.dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def search_fields(service: Service) -> tuple[str, str, str]:
    """(search_name, search_text, search_grams) for one service; its category and location must be
    loaded (or loadable)."""
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
    return f"{name}\n{reading}", text, " ".join(sorted(grams(text)))


def reindex_services(queryset: QuerySet[Service], *, batch_size: int = 1000) -> int:
    """Recompute search data (and missing readings) for ``queryset``; for bulk paths that bypass
    ``Service.save()`` (bulk_create, import, benchmark data). Returns the number of services."""
    count = 0
    batch: list[Service] = []
    fields = ["name_kana", "search_name", "search_text", "search_grams"]
    for service in queryset.select_related("category__parent", "location").iterator(chunk_size=batch_size):
        if not service.name_kana.strip():
            service.name_kana = reading_of(service.name)
        service.search_name, service.search_text, service.search_grams = search_fields(service)
        batch.append(service)
        if len(batch) >= batch_size:
            Service.objects.bulk_update(batch, fields)
            count += len(batch)
            batch = []
    if batch:
        Service.objects.bulk_update(batch, fields)
        count += len(batch)
    return count


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


def _contains(term: str) -> Q:
    """Stored text contains ``term``. On PostgreSQL the GIN-indexed grams find the candidates; a
    term of one or two characters is one gram, so the grams alone decide, and a longer one is
    rechecked with LIKE (its bigrams may be scattered)."""
    text_match = Q(search_text__contains=term)
    if connection.vendor != "postgresql":
        return text_match
    index_match = Q(
        RawSQL(
            '"facilities_service"."search_grams" @> %s::text[]',
            (query_grams(term),),
            output_field=BooleanField(),
        )
    )
    return index_match if len(term) <= 2 else index_match & text_match


def _word_score(alternatives: Sequence[str], direct: int) -> Case:
    """Points for one query word; the first ``direct`` alternatives are the word itself (and its kana
    form when typed in romaji), the rest synonyms."""
    levels = [
        (EXACT_NAME, lambda a: Q(search_name__startswith=f"{a}\n") | Q(search_name__endswith=f"\n{a}")),
        (NAME_PREFIX, lambda a: Q(search_name__startswith=a) | Q(search_name__contains=f"\n{a}")),
        (NAME_PART, lambda a: Q(search_name__contains=a)),
    ]
    scored = [
        (points if i < direct else round(points * SYNONYM_WEIGHT), condition(alternative))
        for points, condition in levels
        for i, alternative in enumerate(alternatives)
    ]
    # A Case takes the first matching When: the highest points first.
    scored.sort(key=lambda item: -item[0])
    whens = [When(condition, then=Value(points)) for points, condition in scored]
    return Case(*whens, default=Value(TEXT_PART), output_field=IntegerField())


def match_query(services: QuerySet[Service], query: str) -> QuerySet[Service]:
    """``services`` containing every word of ``query`` (or a synonym of it), annotated with
    ``relevance``; no visibility rule (the admin searches hidden entries too). A word typed in romaji
    (hiroba) also matches its hiragana (ひろば)."""
    words = query_words(query)
    forms = {word: [word] + ([kana] if (kana := romaji_to_hiragana(word)) else []) for word in words}
    synonyms = expand_synonyms([form for word in words for form in forms[word]])
    score = Value(0, output_field=IntegerField())
    for word in words:
        alternatives = list(forms[word])
        for form in forms[word]:
            alternatives += [a for a in synonyms[form] if a not in alternatives]
        match = Q()
        for alternative in alternatives:
            match |= _contains(alternative)
        services = services.filter(match)
        score = score + _word_score(alternatives, direct=len(forms[word]))
    return services.annotate(relevance=score)


def search_services(
    *,
    query: str = "",
    categories: Iterable[str] = (),
    area: str | None = None,
    age_months: int | None = None,
    pregnant: bool = False,
    open_at: dt.datetime | None = None,
    nights_weekends: bool = False,
    bookable_online: bool = False,
    free: bool = False,
    point: Point | None = None,
    sort: str = "relevance",
    queryset: QuerySet[Service] | None = None,
) -> QuerySet[Service]:
    """Services visible to parents that match every query word (or a synonym of it) and every filter,
    annotated with ``relevance`` and, with a ``point``, ``distance`` (squared degrees; see ``km``).

    ``categories`` are slugs; a parent category includes its children. ``age_months`` and ``pregnant``
    together mean "for this child or for the pregnancy". ``sort`` is "relevance" or "distance".
    """
    services = match_query(
        (queryset if queryset is not None else Service.objects.all()).visible_to_parents(), query
    )

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

    order = [F("relevance").desc()]
    if point is not None:
        scale = math.cos(math.radians(point.latitude))
        lat = Cast("location__latitude", FloatField()) - Value(point.latitude)
        lng = (Cast("location__longitude", FloatField()) - Value(point.longitude)) * Value(scale)
        services = services.annotate(distance=lat * lat + lng * lng)
        distance = F("distance").asc(nulls_last=True)
        order = [distance, *order] if sort == "distance" else [*order, distance]
    return services.select_related("category", "location__area").order_by(*order, "name_kana", "pk")


def km(distance: float | None) -> float | None:
    """Kilometres from the ``distance`` annotation (an equirectangular approximation, fine in a city)."""
    return None if distance is None else math.sqrt(distance) * KM_PER_DEGREE
