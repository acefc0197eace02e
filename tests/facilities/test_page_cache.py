"""Render once, reuse often (facilities.caching): an edit shows at once in both languages, the cached
filter panel follows the filters sent, and the pages keep a bounded number of queries."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from facilities.models import Area, Category, Service, WeeklyHours
from tests.conftest import require_service
from tests.facilities.factories import AreaFactory, ServiceFactory, weekly

SEARCH = reverse("facilities:search")


@pytest.fixture
def plaza(db) -> Service:
    area = AreaFactory(code="minato", name="みなと地区", name_en="Minato district")
    service = ServiceFactory(
        name="ひかり子育てひろば",
        name_en="Hikari Family Plaza",
        description="親子で遊べるひろばです。",
        phone="045-000-1111",
        location__area=area,
    )
    for day in range(7):
        weekly(service, day, "09:00", "17:00")
    return service


def pages(client, service: Service, language: str) -> tuple[str, str]:
    """The search page finding ``service`` and its service page, in ``language``."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    search = client.get(SEARCH, {"q": "ひかり"})
    detail = client.get(service.get_absolute_url())
    assert search.status_code == detail.status_code == 200
    return search.content.decode(), detail.content.decode()


def both_languages(client, service: Service) -> dict[str, tuple[str, str]]:
    return {language: pages(client, service, language) for language in ("ja", "en")}


def test_a_renamed_service_shows_its_new_name_on_both_pages_at_once(client, plaza):
    both_languages(client, plaza)  # cached
    plaza.name, plaza.name_en = "ひかり親子ひろば", "Hikari Parent Plaza"
    plaza.save()
    shown = both_languages(client, plaza)
    assert all("ひかり親子ひろば" in page for page in shown["ja"])
    assert all("Hikari Parent Plaza" in page for page in shown["en"])
    assert "ひかり子育てひろば" not in shown["ja"][0]


def test_a_service_paused_by_a_queryset_update_shows_as_paused_at_once(client, plaza):
    both_languages(client, plaza)
    # As hubs.services does when a hub pauses: no save(), no updated_at.
    Service.objects.filter(pk=plaza.pk).update(status=Service.Status.TEMPORARILY_CLOSED)
    plaza.refresh_from_db()
    shown = both_languages(client, plaza)
    assert "休止中" in shown["ja"][0]
    assert "休止中" in shown["ja"][1]
    assert "Temporarily closed" in shown["en"][0]


@pytest.mark.parametrize(
    ("model", "lookup"), [(Category, {"slug": "temporary-care"}), (Area, {"code": "minato"})]
)
def test_a_renamed_category_or_district_shows_on_cards_pages_and_the_filter_options(
    client, plaza, model, lookup
):
    both_languages(client, plaza)
    row = model.objects.get(**lookup)
    row.name, row.name_en = "あたらしいなまえ", "A new name"
    row.save()
    shown = both_languages(client, plaza)
    assert shown["ja"][0].count("あたらしいなまえ") == 2  # the card's tag and the filter's option
    assert "あたらしいなまえ" in shown["ja"][1]
    assert shown["en"][0].count("A new name") == 2
    assert "A new name" in shown["en"][1]


def test_a_new_district_is_offered_at_once_and_a_deleted_one_is_gone(client, plaza):
    pages(client, plaza, "ja")
    added = AreaFactory(code="kita", name="きた地区")
    assert "きた地区" in pages(client, plaza, "ja")[0]
    added.delete()
    assert "きた地区" not in pages(client, plaza, "ja")[0]


def test_changed_hours_show_on_the_card_and_the_week_table_at_once(client, plaza):
    both_languages(client, plaza)
    WeeklyHours.objects.filter(service=plaza).update(opens_at="10:30", closes_at="18:30")
    shown = both_languages(client, plaza)
    for language in ("ja", "en"):
        search, detail = shown[language]
        assert "10:30–18:30" in search
        assert "09:00–17:00" not in search
        assert "10:30–18:30" in detail
        assert "09:00–17:00" not in detail


def test_a_cached_card_says_open_or_closed_as_the_clock_moves(client, plaza, monkeypatch):
    # The plaza opens 09:00–17:00 every day; its card is cached at 10:00 on a Wednesday.
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 2, 10, 0, tzinfo=tokyo))
    assert "いま開いています" in client.get(SEARCH, {"q": "ひかり"}).content.decode()
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 2, 18, 0, tzinfo=tokyo))
    evening = client.get(SEARCH, {"q": "ひかり"}).content.decode()
    assert "いま開いています" not in evening
    assert "いまは時間外です" in evening and "次は12/3（木）09:00から" in evening


def test_a_cached_service_page_says_open_or_closed_as_the_clock_moves(client, plaza, monkeypatch):
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 2, 16, 59, tzinfo=tokyo))
    assert "いま開いています" in client.get(plaza.get_absolute_url()).content.decode()
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 2, 17, 0, tzinfo=tokyo))
    assert "いまは時間外です" in client.get(plaza.get_absolute_url()).content.decode()
    # After midnight the page speaks of the new day.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 3, 0, 0, 30, tzinfo=tokyo))
    assert "きょう 12月3日（木） の時間" in client.get(plaza.get_absolute_url()).content.decode()


def test_the_cached_filter_panel_shows_the_filters_sent_each_time(client, plaza):
    checked = client.get(SEARCH, {"q": "ひかり", "category": "temporary-care", "area": "minato"})
    html = checked.content.decode()
    assert 'value="temporary-care" id="id_category_' in html
    assert 'value="minato" selected' in html
    plain = client.get(SEARCH, {"q": "ひかり"}).content.decode()
    assert 'value="minato" selected' not in plain
    assert "checked" not in plain.split('class="field categories"')[1].split("</fieldset>")[0]
    again = client.get(SEARCH, {"q": "ひかり", "category": "temporary-care", "area": "minato"})
    assert panel(again.content.decode()) == panel(html)


def panel(html: str) -> str:
    return html.split('<details class="filters"')[1].split("</details>")[0]


def test_a_bad_filter_after_a_cached_panel_still_shows_its_error_and_what_was_typed(client, plaza):
    client.get(SEARCH, {"q": "ひかり", "age_months": "12"})
    html = client.get(SEARCH, {"q": "ひかり", "age_months": "999"}).content.decode()
    assert 'value="999"' in html
    assert '<details class="filters" open>' in html
    assert "216" in html  # the message gives the upper limit


def test_the_service_page_keeps_to_a_few_queries(client, plaza, django_assert_max_num_queries):
    client.get(plaza.get_absolute_url())
    with django_assert_max_num_queries(5):
        assert client.get(plaza.get_absolute_url()).status_code == 200


def test_a_service_page_seen_before_reads_one_digest_and_nothing_else(
    client, plaza, django_assert_num_queries
):
    require_service(connection.vendor == "postgresql", "the rows' digest is a PostgreSQL function")
    client.get(plaza.get_absolute_url())
    with django_assert_num_queries(1):  # the digest; the rows, the sessions and the parts are cached
        assert client.get(plaza.get_absolute_url()).status_code == 200


def test_a_service_hidden_by_a_queryset_update_is_gone_at_once(client, plaza):
    assert client.get(plaza.get_absolute_url()).status_code == 200  # its rows are cached now
    Service.objects.filter(pk=plaza.pk).update(published=False)
    assert client.get(plaza.get_absolute_url()).status_code == 404


def test_a_changed_organization_shows_on_the_service_page_at_once(client, plaza):
    client.get(plaza.get_absolute_url())
    type(plaza.organization).objects.filter(pk=plaza.organization_id).update(name="みなと子育てネット")
    assert "みなと子育てネット" in client.get(plaza.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("params", "reads"),
    [
        ({"q": "ひかり"}, 9),
        # Several words also fit こんなときは to the query: the situations and a fitting one's services.
        ({"q": "ひかり ひろば"}, 10),
        ({"q": "ひろば", "category": ["temporary-care", "hub"], "area": "minato", "age_months": "12"}, 9),
        ({"q": "ひろば", "sort": "distance", "postal_code": "1000001"}, 9),
        ({}, 9),
    ],
)
def test_a_search_page_keeps_to_a_bounded_number_of_queries(
    client, plaza, params, reads, django_assert_max_num_queries
):
    for service in ServiceFactory.create_batch(25, name="みなとひろば", location=plaza.location):
        weekly(service, 0, "09:00", "12:00")
    client.get(SEARCH, params)
    # PostgreSQL adds 4 statements around the search (facilities.search.priced_for_text_checks: a
    # savepoint in the test's transaction, SET LOCAL, RESET, release).
    with django_assert_max_num_queries(reads + (4 if connection.vendor == "postgresql" else 0)):
        assert client.get(SEARCH, params).status_code == 200


def test_the_context_processors_query_nothing_for_a_visitor(rf, db, django_assert_num_queries):
    request = rf.get(SEARCH)
    request.user = AnonymousUser()
    request.session = {}
    with django_assert_num_queries(0):
        context = {}
        for path in settings.TEMPLATES[0]["OPTIONS"]["context_processors"]:
            context.update(import_string(path)(request))
        assert context["public_nav"]  # evaluated, not left lazy
        assert not context["user"].is_authenticated


def test_the_distance_order_error_follows_the_location_outside_the_panel(client, plaza):
    too_long = "あ" * 101  # an error outside the panel, so both requests have one
    located = {"q": too_long, "sort": "distance", "lat": "35.68", "lng": "139.76"}
    assert "郵便番号を入れるか現在地を使って" not in panel(client.get(SEARCH, located).content.decode())
    unlocated = {"q": too_long, "sort": "distance"}
    assert "郵便番号を入れるか現在地を使って" in panel(client.get(SEARCH, unlocated).content.decode())


def test_the_filter_panel_is_kept_in_the_workers_bounded_memory_not_in_redis(client, plaza):
    client.get(SEARCH, {"q": "ひかり", "age_months": "7"})
    assert not [key for key in caches["default"]._cache if "search_filters" in key]
    assert [key for key in caches["local"]._cache if "search_filters" in key]
