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
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from facilities.models import Category, Service, Situation, Synonym, open_at_condition
from facilities.search_data import SEARCH_DATA_FIELDS
from facilities.situations import match_situations
from facilities.text import (
    Term,
    analyse,
    normalize,
    normalized_forms,
    query_grams,
    reading_of,
    romaji_to_hiragana,
)

# Relevance points per query word (the best level wins). A synonym's match counts for less, so the word
# the parent typed wins over what the synonym table adds (一時保育 → 一時保育 before 一時預かり).
EXACT_NAME, NAME_PREFIX, NAME_PART, TEXT_PART = 100, 70, 50, 20
# A service found only by whom it is for (小学生 → ages 6–12): below any mention in its own text.
TARGET_PART = 10
# 対象: words parents use for whom a service is for → months [from, to) of the child's age, or
# (None, None) for pregnant people. Matched against the service's age range and 妊娠中 flag.
TARGETS: dict[str, tuple[int | None, int | None]] = {
    "妊婦": (None, None),
    "妊娠中": (None, None),
    "にんぷ": (None, None),
    "乳児": (0, 12),
    "赤ちゃん": (0, 12),
    "幼児": (12, 72),
    "未就学児": (0, 72),
    "小学生": (72, 144),
    "中学生": (144, 180),
    "高校生": (180, 216),
}
SYNONYM_WEIGHT = 0.6
# Filters leaving at most this many services are applied first (SearchResults._narrowed).
FEW_SERVICES = 2000
# Degrees of latitude → kilometres (distance is only used to order and to show "約 n km").
KM_PER_DEGREE = 111.32


@dataclasses.dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def query_chunks(query: str) -> list[str]:
    """What the parent typed between spaces (of any width), as typed, de-duplicated by normal form."""
    chunks: dict[str, str] = {}
    for part in query.replace("\u3000", " ").split():
        if normalize(part):
            chunks.setdefault(normalize(part), part)
    return list(chunks.values())


def query_words(query: str) -> list[str]:
    """Words of a query: split on spaces of any width (before they are dropped), normalized, de-duplicated."""
    return [normalize(chunk) for chunk in query_chunks(query)]


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
    """One query word: what the parent typed (and its kana form when typed in romaji), then synonyms;
    for a word naming whom a service is for (小学生, 妊婦: ``TARGETS``), that condition too."""

    alternatives: tuple[str, ...]
    direct: int
    target: str | None = None

    def text_match(self, *, indexed: bool = True) -> Q:
        """The stored text contains the word or one of its synonyms."""
        match = Q()
        for alternative in self.alternatives:
            match |= _contains(alternative, indexed=indexed)
        return match

    def target_match(self) -> Q:
        """Services whose 対象 the word names: pregnant people, or ages reaching the stage. A service
        without any age range says nothing of ages (unknown is not "everyone")."""
        if self.target is None:
            return Q(pk__in=[])
        start, end = TARGETS[self.target]
        if start is None:
            return Q(for_pregnant=True)
        return (
            (Q(min_age_months__isnull=True) | Q(min_age_months__lt=end))
            & (Q(max_age_months__isnull=True) | Q(max_age_months__gt=start))
            & ~Q(min_age_months__isnull=True, max_age_months__isnull=True)
        )

    def match(self, *, indexed: bool = True) -> Q:
        text = self.text_match(indexed=indexed)
        return text | self.target_match() if self.target else text

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

    def lower_tiers(self) -> list[tuple[int, Q]]:
        """Below the name: (points, condition) of the text, then of the 対象 alone."""
        tiers = [(TEXT_PART, self.text_match())]
        if self.target:
            tiers.append((TARGET_PART, self.target_match()))
        return tiers

    def score(self) -> Case:
        whens = [When(condition, then=Value(points)) for points, condition, _ in self.tiers()]
        if self.target:
            whens.append(When(self.text_match(), then=Value(TEXT_PART)))
        # A Case takes the first matching When: the highest points first.
        default = TARGET_PART if self.target else TEXT_PART
        return Case(*whens, default=Value(default), output_field=IntegerField())


def _chunk_forms(chunk: str) -> list[str]:
    """A typed word as one word: as typed, its kana when typed in romaji (hiroba → ひろば), its reading
    (一時あずかり → いちじあずかり) and its nouns in the analyser's spelling (子ども → 子供)."""
    word = normalize(chunk)
    forms = [word, romaji_to_hiragana(word), normalize(reading_of(chunk)), normalized_forms(chunk)]
    return list(dict.fromkeys(form for form in forms if form))


def _term_forms(term: Term) -> list[str]:
    kana = romaji_to_hiragana(term.surface)
    return list(dict.fromkeys([*term.forms, *([kana] if kana else [])]))


def searchable_terms(terms: Sequence[Term]) -> list[Term]:
    """The content words worth looking for in a service's text. A verb or adjective with a negation
    (休めない, 眠れない) names what the parent lacks, so looking for it finds the opposite (休日);
    one character (子) is in nearly every entry. Both stay when nothing else is left."""
    kept = [term for term in terms if not (term.predicate and term.negated)] or list(terms)
    longer = [term for term in kept if len(term.surface) > 1]
    return longer or kept


@dataclasses.dataclass(frozen=True)
class QueryPlan:
    """How a query is searched, step by step until one finds something (never a dead end):
    ``as_typed``, each typed word whole (ふたごの会, 一時あずかり by its reading); then ``content``, every
    content word on its own (子ども発達 → 子ども, 発達; 夜中に預けたい → 夜中, 預け), all of them; then
    any of them.
    ``terms`` are all content words, negated ones included, for matching situations."""

    as_typed: list[Word]
    content: list[Word]
    terms: list[Term]
    sentence: bool

    def steps(self) -> list[tuple[str, list[Word], bool]]:
        """(mode, words, any_word) in the order they are tried."""
        steps = [("all", self.as_typed, False)]
        if self.content and self.content != self.as_typed:
            steps.append(("content", self.content, False))
        if len(self.content) > 1:
            steps.append(("any", self.content, True))
        return steps


def plan_query(query: str) -> QueryPlan:
    """Read ``query`` with the analyser and the synonym table (one query for every form)."""
    as_typed_forms: list[list[str]] = []
    content_forms: list[list[str]] = []
    terms: list[Term] = []
    sentence = False
    for chunk in query_chunks(query):
        analysis = analyse(chunk)
        terms += analysis.terms
        sentence |= analysis.sentence
        chunk_terms = [_term_forms(term) for term in searchable_terms(analysis.terms)]
        as_typed_forms.append(_chunk_forms(chunk))
        content_forms += chunk_terms if len(chunk_terms) > 1 or analysis.sentence else [as_typed_forms[-1]]
    synonyms = expand_synonyms(list({form for forms in as_typed_forms + content_forms for form in forms}))

    def word(forms: list[str]) -> Word:
        alternatives = list(forms)
        for form in forms:
            alternatives += [a for a in synonyms[form] if a not in alternatives]
        target = next((form for form in alternatives if form in TARGETS), None)
        return Word(tuple(alternatives), direct=len(forms), target=target)

    def unique(words: list[Word]) -> list[Word]:
        return list(dict.fromkeys(words))

    return QueryPlan(
        as_typed=unique([word(forms) for forms in as_typed_forms]),
        content=unique([word(forms) for forms in content_forms]),
        terms=terms,
        sentence=sentence,
    )


def parse_query(query: str) -> list[Word]:
    """The words of ``query`` as typed, with their alternatives: the romaji's kana (hiroba → ひろば),
    the reading and the analyser's spelling, and each form's synonyms (``plan_query``)."""
    return plan_query(query).as_typed


def _match_words(
    services: QuerySet[Service],
    words: Sequence[Word],
    *,
    indexed: bool = True,
    any_word: bool = False,
    required: bool = True,
    scored: bool = True,
) -> QuerySet[Service]:
    """``services`` containing every word (``any_word``: at least one), annotated with ``relevance``, the
    sum of the words' points. Not ``required``: all of ``services``, the words only rank them. Not
    ``scored``: no ``relevance`` (counting needs none, and building the scores costs Python time)."""
    score = Value(0, output_field=IntegerField())
    either = Q()
    for word in words:
        match = word.match(indexed=indexed)
        if any_word or not required:
            either |= match
            if scored:
                score = score + Case(
                    When(match, then=word.score()), default=Value(0), output_field=IntegerField()
                )
        else:
            services = services.filter(match)
            if scored:
                score = score + word.score()
    if words and any_word and required:
        services = services.filter(either)
    return services.annotate(relevance=score) if scored else services


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
    any_word: bool = False,
    required: bool = True,
    now: dt.datetime | None = None,
) -> QuerySet[Service]:
    services = _match_words(services, words, indexed=indexed, any_word=any_word, required=required)
    # Without words every service scores 0 (and a constant in ORDER BY would read as a column number).
    order = [F("relevance").desc()] if words else []
    if now is not None:
        # Among equally relevant services, those open at the time asked come first.
        services = services.annotate(open_first=_open_first(now))
        order.append(F("open_first").desc())
    if point is not None:
        services = _with_distance(services, point)
        distance = F("distance").asc(nulls_last=True)
        order = [distance, *order] if sort == "distance" else [*order, distance]
    return services.order_by(*order, "search_reading", "pk")


def _open_first(now: dt.datetime) -> Case:
    return Case(When(open_at_condition(now), then=Value(1)), default=Value(0), output_field=IntegerField())


def search_services(
    *,
    query: str = "",
    point: Point | None = None,
    sort: str = "relevance",
    queryset: QuerySet[Service] | None = None,
    words: Sequence[Word] | None = None,
    any_word: bool = False,
    now: dt.datetime | None = None,
    **filters: Any,
) -> QuerySet[Service]:
    """Services visible to parents that match every query word (or a synonym of it) and every filter
    (``filter_services``), annotated with ``relevance`` and, with a ``point``, ``distance`` (squared
    degrees; see ``km``), in result order: relevance, then 五十音順 of the reading. ``sort`` is
    "relevance" or "distance" (nearest first, then relevance). ``words`` (from ``plan_query``) replace
    the query's words as typed; ``any_word`` keeps services with any of them. With ``now``, services
    open then come first among equally relevant ones.

    This is the definition of the ranking; result pages read it through ``SearchResults``."""
    services = filter_services(
        (queryset if queryset is not None else Service.objects.all()).visible_to_parents(), **filters
    )
    words = parse_query(query) if words is None else words
    return _ranked(services, words, point, sort, any_word=any_word, now=now).select_related(
        "category", "location__area"
    )


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

    With ``now``, services open then come first among equally relevant ones when the filters leave
    few services or the matches number at most ``cap`` (``open_first``): they are then ranked all at
    once, which costs little. Otherwise the order is that of ``search_services`` without ``now``.

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
        words: Sequence[Word] | None = None,
        any_word: bool = False,
        now: dt.datetime | None = None,
        **filters: Any,
    ) -> None:
        self.words = parse_query(query) if words is None else list(words)
        self.point = point
        self.cap = cap
        self.load = load
        self.now = now
        self.filtered = filter_services(Service.objects.visible_to_parents(), **filters)
        self.few = self._few_filtered(filters)
        if self.few is not None:
            self.filtered = Service.objects.filter(_pk_in(self.few))
        self.any_word = any_word
        self.ranking = functools.partial(
            _ranked, self.filtered, self.words, point, sort, indexed=self.few is None, any_word=any_word
        )

    @functools.cached_property
    def ranked(self) -> QuerySet[Service]:
        """The matches in result order, without the open-first rule (built when first read: a
        one-word page walks the tiers instead)."""
        return self.ranking()

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
        """The number of matches, up to ``cap`` + 1; asked once (the search, the paginator and the
        choice of order all read it)."""
        return self._count

    @functools.cached_property
    def _count(self) -> int:
        if self.few is not None:
            return min(len(self._few_ranked_ids), self.cap + 1)
        matching = _match_words(self.filtered, self.words, any_word=self.any_word, scored=False)
        return matching.order_by().values("pk")[: self.cap + 1].count()

    @functools.cached_property
    def _few_ranked_ids(self) -> list[int]:
        """All matches among the few filtered services, ranked: one query serves count and pages."""
        return list(self._ordered().values_list("pk", flat=True))

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
        if len(self.words) != 1 or self.point is not None or self.open_first:
            return list(self._ordered().values_list("pk", flat=True)[:stop])
        word = self.words[0]
        ids: list[int] = []
        higher = Q()
        lower = [(points, Q(), False, match) for points, match in word.lower_tiers()]
        name_tiers = [
            (points, condition, by_index, word.text_match()) for points, condition, by_index in word.tiers()
        ]
        for _points, condition, sorted_by_index, match in [*name_tiers, *lower]:
            tier = self.filtered.filter(condition & ~higher if higher else condition)
            if not sorted_by_index:
                # Exact and prefix tiers are range scans of the name and reading indexes. The others
                # repeat the text match, which their conditions imply: a rare (or unknown) word is
                # then found through the grams index instead of a walk of the whole 五十音 order.
                # After the name conditions, as PostgreSQL checks them in the order written and
                # prices both alike, though a name LIKE costs a fraction of the grams check.
                tier = tier.filter(match)
            # Ordering by an expression keeps PostgreSQL from walking the reading index for a level
            # whose rows cluster in one stretch of it (names starting with 保育 all read ほいく…).
            order = Concat("search_reading", Value("")) if sorted_by_index else F("search_reading")
            ids += tier.order_by(order, "pk").values_list("pk", flat=True)[: stop - len(ids)]
            if len(ids) >= stop:
                break
            higher |= condition if condition else match
        return ids

    @functools.cached_property
    def open_first(self) -> bool:
        """Whether services open at ``now`` come first among equally relevant ones: when there is a
        ``now`` and the filters leave few services or the matches number at most ``cap`` (then
        ranking them all costs little). Beyond the cap a tier stays in 五十音 order: finding the open
        ones of 50,000 matches at night would read them all."""
        return self.now is not None and (self.few is not None or self.count() <= self.cap)

    def _ordered(self) -> QuerySet[Service]:
        return self.ranking(now=self.now) if self.open_first else self.ranked


def km(distance: float | None) -> float | None:
    """Kilometres from the ``distance`` annotation (an equirectangular approximation, fine in a city)."""
    return None if distance is None else math.sqrt(distance) * KM_PER_DEGREE


# A typed word is taken for a known one this many edits away (one per four characters, at least one).
def _typo_allowance(word: str) -> int:
    return max(1, len(word) // 4)


# Names read for a typo's nearest word: those starting with its first character, at most this many.
TYPO_CANDIDATES = 1000


def nearest_known_word(query: str) -> str | None:
    """The known word nearest by reading to what was typed (いちじあづかり → いちじあずかり), or None.

    Known words: the synonym table's words and the 種別 names (their stored readings), and the start of
    every name parents see that begins with the same character (its reading, as the directory stores
    it: the analyser misreads some, 病児 as やまいじ). A word already known (distance 0) is no
    suggestion."""
    chunks = query_chunks(query)
    if len(chunks) != 1:
        return None
    typed = normalize(reading_of(chunks[0]))
    known: dict[str, str] = {}
    for row in Synonym.objects.values("term", "term_reading", "expansion", "expansion_reading"):
        known.setdefault(row["term_reading"], row["term"])
        known.setdefault(row["expansion_reading"], row["expansion"])
    for name in Category.objects.values_list("name", flat=True):
        name = name.split("（")[0]
        known.setdefault(normalize(reading_of(name)), name)
    readings = (
        Service.objects.visible_to_parents()
        .filter(search_reading__startswith=typed[:1])
        .order_by("search_reading")
        .values_list("search_reading", flat=True)[:TYPO_CANDIDATES]
    )
    for reading in readings:
        for size in (len(typed) - 1, len(typed), len(typed) + 1):
            known.setdefault(reading[:size], reading[:size])
    # Edit distances in C++, cut off past the allowance (a Python loop over these ~3,000 readings
    # cost ~250 ms a miss).
    near = process.extract(
        typed,
        [r for r in known if r],
        scorer=Levenshtein.distance,
        score_cutoff=_typo_allowance(typed),
        limit=None,
    )
    distance, word = min(((distance, known[reading]) for reading, distance, _ in near), default=(0, None))
    return word if distance > 0 else None


# The way forward names this many consultation sites; the page links to the rest (a prefecture's
# directory has hundreds, and listing them all cost a missed search ~1 s at 100,000 services).
CONTACTS_SHOWN = 5


def consultation_contacts() -> list[Service]:
    """利用者支援: the user-support sites a parent can call when the search did not help, the city's
    own counter (特定型) first; at most CONTACTS_SHOWN + 1, so the page knows whether to link to all."""
    return list(
        Service.objects.visible_to_parents()
        .filter(Q(category__slug="user-support") | Q(category__parent__slug="user-support"))
        .only("name", "name_en", "phone")
        .order_by("-category__slug", "search_reading", "pk")[: CONTACTS_SHOWN + 1]
    )


@dataclasses.dataclass
class Finding:
    """What a search page shows for a query: the results and how they were found (``mode``: "all" the
    words as typed, "content" each content word, "any" any of them, "suggestion" the nearest known word
    ``suggestion`` instead, "none"), the situations the query fits with their first services, and
    whether the page needs the way forward (consultation contacts) because the words together found
    nothing."""

    results: SearchResults
    mode: str
    suggestion: str | None
    situations: list[tuple[Situation, list[Service]]]

    @property
    def missed(self) -> bool:
        return self.mode != "all"

    def first(self, n: int) -> list[Service]:
        """The first ``n`` services the page shows: the situations' services, then the results."""
        shown: dict[int, Service] = {}
        for _situation, services in self.situations:
            shown.update((service.pk, service) for service in services)
        for service in self.results[0:n]:
            shown.setdefault(service.pk, service)
        return list(shown.values())[:n]


# Services shown with a fitting situation, above the results.
SITUATION_SERVICES = 3


def find_services(
    *,
    query: str = "",
    cap: int,
    now: dt.datetime | None = None,
    load: Callable[[QuerySet[Service]], QuerySet[Service]] = lambda services: services,
    **kwargs: Any,
) -> Finding:
    """The search a parent sees (never a dead end): the query's words as typed, else each content word,
    else any of them, else the nearest known word; and the こんなときは a sentence, several words or a
    miss fits, with its services ranked by the query's words. ``kwargs``: point, sort, filters."""
    plan = plan_query(query)
    mode, results = "none", None
    for step, words, any_word in plan.steps():
        if any_word:
            words, any_word = _telling_words(words, cap=cap, **kwargs)
        results = SearchResults(words=words, any_word=any_word, cap=cap, now=now, load=load, **kwargs)
        if results.count():
            mode = step
            break
    suggestion = None
    if mode == "none" and query.strip():
        suggestion = nearest_known_word(query)
        if suggestion:
            results = SearchResults(query=suggestion, cap=cap, now=now, load=load, **kwargs)
            mode = "suggestion" if results.count() else "none"
    situations = []
    if plan.terms and (plan.sentence or len(query_chunks(query)) > 1 or mode != "all"):
        fitting = match_situations(plan.terms, list(Situation.objects.prefetch_related("categories")))
        situations = [(situation, _situation_services(situation, plan.content, now)) for situation in fitting]
    assert results is not None
    return Finding(results=results, mode=mode, suggestion=suggestion, situations=situations)


# "Any of the words" looks at this many content words at most (a 100-character sentence has ~25).
MAX_ANY_WORDS = 8


def _telling_words(words: Sequence[Word], *, cap: int, **kwargs: Any) -> tuple[list[Word], bool]:
    """For "any of the words": those found in at most ``cap`` services, and whether any of them
    will do. A word in half the directory (子ども) tells nothing, and ranking the services with any
    of the words would read all of its matches; with the telling words the ranking reads at most
    ``cap`` rows a word. When every word is that common, the first is searched alone (tier by tier,
    bounded by the page). One capped count a word."""
    counted = [
        (SearchResults(words=[word], cap=cap, **kwargs).count(), word) for word in words[:MAX_ANY_WORDS]
    ]
    telling = [word for count, word in counted if 0 < count <= cap]
    if telling:
        return telling, True
    common = [word for count, word in counted if count]
    return common[:1], False


# A situation's services are ranked among this many of them, in 五十音 order: enough for a city's
# directory, and bounded where a category holds thousands.
SITUATION_CANDIDATES = 200


def _situation_services(
    situation: Situation, words: Sequence[Word], now: dt.datetime | None
) -> list[Service]:
    """The first services of a situation's search, ranked by the query's words (none required)."""
    services = filter_services(
        Service.objects.visible_to_parents(),
        categories=[category.slug for category in situation.categories.all()],
        nights_weekends=situation.nights_weekends,
        pregnant=situation.pregnant,
    )
    candidates = list(
        services.order_by("search_reading", "pk").values_list("pk", flat=True)[:SITUATION_CANDIDATES]
    )
    ranked = _ranked(
        Service.objects.filter(_pk_in(candidates)), words, None, "relevance", required=False, now=now
    )
    return list(ranked.select_related("category").defer(*SEARCH_DATA_FIELDS)[:SITUATION_SERVICES])
