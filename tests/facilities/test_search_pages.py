"""Result pages (SearchResults) hold the services of the full ranking, in its order, with bounded work."""

from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo

import pytest
from django.core.management import call_command
from django.db import DataError, connection
from django.test.utils import CaptureQueriesContext

from facilities.geo import point_for_postal_code
from facilities.models import Area, Service, SpecialHours
from facilities.search import SearchResults, plan_query, priced_for_text_checks, search_services
from tests.conftest import require_service
from tests.facilities.factories import bulk_services

CAP = 50
PAGE = 20
WEDNESDAY_10 = dt.datetime(2026, 12, 2, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))
SATURDAY_23 = dt.datetime(2026, 12, 5, 23, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))


@pytest.fixture
def directory(demo_city) -> None:
    """The demo city plus 300 generated services: common words match many, in every tier."""
    call_command("generate_directory", services=300, seed=5, stdout=io.StringIO())


def _area() -> str:
    return Area.objects.filter(code__startswith="gen-").order_by("code").values_list("code", flat=True)[0]


# Each case is the keyword arguments of one search: one word of each kind, synonyms, romaji, several
# words, distance, filters that leave few services, no words at all, nothing found.
CASES = {
    "common word": lambda: {"query": "保育"},
    "one kana": lambda: {"query": "ひ"},
    "one kanji": lambda: {"query": "園"},
    "reading prefix": lambda: {"query": "さくら"},
    "word with synonym": lambda: {"query": "一時保育"},
    "romaji": lambda: {"query": "hiroba"},
    "only in descriptions": lambda: {"query": "いちじ"},
    "two words": lambda: {"query": "保育 園"},
    "ties by distance": lambda: {"query": "ひろば", "point": point_for_postal_code("100-0041")},
    "nearest first": lambda: {"query": "ひ", "point": point_for_postal_code("100-0041"), "sort": "distance"},
    "few after filters": lambda: {"query": "保育", "area": _area()},
    "filters and age": lambda: {"query": "ひ", "categories": ["nursery"], "age_months": 12},
    "newborn": lambda: {"query": "保育", "age_months": 0},
    "common word, open first": lambda: {"query": "保育", "now": WEDNESDAY_10},
    "few matches, open first at night": lambda: {"query": "ひろば", "now": SATURDAY_23},
    "whom it is for": lambda: {"query": "小学生"},
    "whom it is for, open first": lambda: {"query": "妊婦", "now": WEDNESDAY_10},
    "few after filters, open first": lambda: {"query": "保育", "area": _area(), "now": SATURDAY_23},
    "any of the words": lambda: {"words": plan_query("夜中に預けたい").content, "any_word": True},
    "no words": lambda: {},
    "no words, filtered": lambda: {"area": _area()},
    "nothing found": lambda: {"query": "存在しないことば"},
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_every_page_holds_the_ranked_services_in_order(directory, case):
    kwargs = case()
    results = SearchResults(**kwargs, cap=CAP)
    # Open first only when cheap (SearchResults.open_first); otherwise the order without a time.
    if "now" in kwargs and not results.open_first:
        kwargs["now"] = None
    ranked = list(search_services(**kwargs).values_list("pk", flat=True))
    for start in (0, PAGE, 2 * PAGE, len(ranked) - 5):
        start = max(start, 0)
        assert [s.pk for s in results[start : start + PAGE]] == ranked[start : start + PAGE], start
    assert results.count() == min(len(ranked), CAP + 1)


def test_open_services_come_first_among_equally_relevant_ones(demo_city):
    # 緑ヶ丘子育てひろば closed for the day; 百舌鳥ひろば ties with it (ひろば in the name) and is open.
    hiroba = Service.objects.get(name="緑ヶ丘子育てひろば")
    SpecialHours.objects.create(service=hiroba, date=WEDNESDAY_10.date(), is_closed=True)
    results = SearchResults(query="ひろば", now=WEDNESDAY_10, cap=CAP)
    assert results.open_first
    page = results[0:PAGE]
    by_score: dict[int, list[bool]] = {}
    for service in search_services(query="ひろば", now=WEDNESDAY_10)[:PAGE]:
        by_score.setdefault(service.relevance, []).append(bool(service.open_first))
    assert any(len(set(flags)) == 2 for flags in by_score.values()), "a tie with open and closed services"
    for flags in by_score.values():
        assert flags == sorted(flags, reverse=True)
    assert [s.pk for s in page] == list(
        search_services(query="ひろば", now=WEDNESDAY_10).values_list("pk", flat=True)[:PAGE]
    )


def test_common_words_fill_several_pages_across_tiers(directory):
    # The cases above mean little unless a common word spans tiers and pages.
    scores = set(search_services(query="保育").values_list("relevance", flat=True))
    assert len(scores) >= 3, scores
    assert search_services(query="保育").count() > 3 * PAGE


def test_an_age_of_zero_months_is_a_filter_applied_first(directory):
    assert SearchResults(query="保育", age_months=0, cap=CAP).few is not None
    assert SearchResults(query="保育", cap=CAP).few is None


def test_a_page_loads_what_the_caller_asks_for(directory):
    results = SearchResults(query="保育", cap=CAP, load=lambda services: services.defer("description"))
    assert all(s.get_deferred_fields() == {"description"} for s in results[0:PAGE])


def _rows_read(plan: dict) -> int:
    """Rows a plan node and its children read from tables: returned plus filtered out, every loop."""
    read = 0
    if plan["Node Type"] in {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}:
        kept = plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)
        read = (kept + plan.get("Rows Removed by Index Recheck", 0)) * plan["Actual Loops"]
    return read + sum(_rows_read(child) for child in plan.get("Plans", []))


def _rows_read_by(queries: list[dict]) -> int:
    """Rows of the directory read; the synonym table (some 60 rows, read whole) is not counted."""
    total = 0
    with priced_for_text_checks(), connection.cursor() as cursor:
        for query in (
            q for q in queries if q["sql"].startswith("SELECT") and "facilities_synonym" not in q["sql"]
        ):
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {query['sql']}")
            plan = cursor.fetchone()[0]
            total += _rows_read((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
    return total


def test_the_first_page_of_a_common_word_reads_a_few_rows_not_every_match(db):
    require_service(connection.vendor == "postgresql", "the plans of the tiers are PostgreSQL's")
    # 保育 in every other name (6,000 matches), a few names starting with it.
    bulk_services(
        [
            ("保育ルーム" if i % 400 == 0 else f"サークル{i:05d}") + ("保育室" if i % 2 else "")
            for i in range(12_000)
        ]
    )
    with CaptureQueriesContext(connection) as tiers, priced_for_text_checks():
        first_page = [s.pk for s in SearchResults(query="保育", cap=200)[0:PAGE]]
    with CaptureQueriesContext(connection) as full:
        assert list(search_services(query="保育").values_list("pk", flat=True)[:PAGE]) == first_page
    # The full ranking scores every match before it knows the first 20; the tiers stop early.
    assert _rows_read_by(full.captured_queries) >= 6_000
    assert _rows_read_by(tiers.captured_queries) < 600
    # A word in no name must not walk the whole 五十音 order looking for one.
    for rare in ("ルーム", "存在しない"):
        with CaptureQueriesContext(connection) as tiers, priced_for_text_checks():
            SearchResults(query=rare, cap=200)[0:PAGE]
        assert _rows_read_by(tiers.captured_queries) < 100, rare


def _operator_cost() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW cpu_operator_cost")
        return cursor.fetchone()[0]


def test_the_planner_setting_lasts_only_as_long_as_the_search(db):
    require_service(connection.vendor == "postgresql", "cpu_operator_cost is PostgreSQL's")
    default = _operator_cost()
    with priced_for_text_checks():
        assert _operator_cost() == "0.05"
    assert _operator_cost() == default
    # A query failing inside: the savepoint's rollback undoes the setting, and the caller goes on.
    with pytest.raises(DataError), priced_for_text_checks(), connection.cursor() as cursor:
        cursor.execute("SELECT 1 / 0")
    assert _operator_cost() == default
