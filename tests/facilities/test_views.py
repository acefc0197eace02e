"""The parent's pages: search (with and without htmx), service page, こんなときは."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from facilities.models import Category, Location, Service, Situation, SpecialHours, WeeklyHours
from tests.bookings.factories import SessionFactory, in_days
from tests.facilities.factories import ServiceFactory

SEARCH = reverse("facilities:search")


def result_names(response) -> list[str]:
    return [s.name for s in response.context["page"].object_list]


def test_search_page_works_without_javascript(client, demo_city):
    response = client.get(SEARCH, {"q": "いちじあずかり"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<form id="search-form"' in html and 'action="/search/"' in html
    assert "一時預かり すくすくルーム" in html
    assert "3件みつかりました" in html


def test_htmx_request_gets_only_the_results_and_varies_on_the_header(client, demo_city):
    response = client.get(SEARCH, {"q": "ひろば"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_empty_search_lists_every_visible_service_paginated(client, demo_city):
    Service.objects.filter(name="離乳食教室").update(published=False)
    response = client.get(SEARCH)
    visible = Service.objects.visible_to_parents().count()
    assert response.context["page"].paginator.count == visible
    assert "離乳食教室" not in response.content.decode()
    page_two = client.get(SEARCH, {"page": 2})
    assert page_two.status_code == 200 and page_two.context["page"].number == 2


@pytest.mark.parametrize(("months", "found"), [(5, False), (6, True), (83, True), (84, False)])
def test_age_filter_at_the_boundaries(client, demo_city, months, found):
    # 一時預かり すくすくルーム takes children from 6 months to under 84 months.
    response = client.get(SEARCH, {"q": "すくすくるーむ", "age_months": months})
    assert ("一時預かり すくすくルーム" in result_names(response)) is found


def test_pregnant_filter_finds_services_for_pregnancy(client, demo_city):
    names = result_names(client.get(SEARCH, {"pregnant": "1", "q": "相談"}))
    assert "妊婦相談・母親学級" in names
    assert "みどり障害児相談支援センター" not in names


def test_filters_combine(client, demo_city):
    names = result_names(
        client.get(SEARCH, {"category": "temporary-care", "bookable_online": "1", "area": "chuo"})
    )
    assert names == ["一時預かり すくすくルーム"]
    free = result_names(client.get(SEARCH, {"category": "temporary-care", "free": "1"}))
    assert free == []


def test_parent_category_includes_its_children(client, demo_city):
    names = result_names(client.get(SEARCH, {"category": "short-term-support"}))
    assert set(names) == {"ショートステイ みどりの家", "トワイライトステイ みどりの家"}


def test_day_and_time_filter(client, demo_city):
    # Wednesday 2026-11-25, 23:30: only the round-the-clock short stay is open.
    names = result_names(client.get(SEARCH, {"when": "at", "day": "2026-11-25", "time": "23:30"}))
    assert names == ["ショートステイ みどりの家"]
    evening = result_names(client.get(SEARCH, {"when": "at", "day": "2026-11-25", "time": "21:00"}))
    assert "トワイライトステイ みどりの家" in evening


def test_nights_and_weekends_filter(client, demo_city):
    names = set(result_names(client.get(SEARCH, {"nights_weekends": "1"})))
    assert {"トワイライトステイ みどりの家", "ショートステイ みどりの家", "パパと遊ぼう サークル"} <= names
    assert "児童発達支援 めばえ教室" not in names


def test_sort_by_distance_from_a_postal_code(client, demo_city):
    response = client.get(SEARCH, {"sort": "distance", "postal_code": "１００－００２２"})
    services = list(response.context["page"].object_list)
    assert services[0].location.name == "こどもの芽 発達支援室"
    assert "約0.0km" in response.content.decode()


def test_sort_by_distance_from_the_browser_location(client, demo_city):
    response = client.get(SEARCH, {"sort": "distance", "lat": "35.6587", "lng": "139.7924"})
    assert response.context["page"].object_list[0].location.name == "港地区コミュニティセンター"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"age_months": "abc"}, "整数を入力してください。"),
        ({"age_months": "999"}, "216 以下"),
        ({"postal_code": "999-9999"}, "この郵便番号は市内の表にありません"),
        ({"when": "at", "day": "2026-11-25"}, "日付と時刻の両方を入れてください"),
        ({"sort": "distance"}, "郵便番号を入れるか現在地を使ってください"),
    ],
)
def test_bad_input_is_explained_and_the_rest_still_searches(client, demo_city, params, message):
    response = client.get(SEARCH, {"q": "ひろば", **params})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="ひろば"' in html  # what was typed stays
    assert "ひろば なかよし" in result_names(response)


def test_map_data_lists_the_page_results(client, demo_city):
    response = client.get(SEARCH, {"q": "ひろば みなと"})
    markers = json.loads(
        re.search(r'id="map-markers"[^>]*>(.*?)</script>', response.content.decode()).group(1)
    )
    assert [m["name"] for m in markers] == ["出張ひろば みなと"]


def test_search_page_query_count_does_not_grow_with_results(client, demo_city, django_assert_max_num_queries):
    params = {
        "q": "ひろば",
        "age_months": "12",
        "sort": "distance",
        "postal_code": "1000001",
    }
    # 9 queries, plus 4 statements around them on PostgreSQL: the savepoint of the test's transaction,
    # SET and RESET of the planner's operator cost (facilities.search.priced_for_text_checks), release.
    bound = 13 if connection.vendor == "postgresql" else 9
    with django_assert_max_num_queries(bound):
        small = client.get(SEARCH, params)
    category = Category.objects.get(slug="hub")
    for i in range(40):
        ServiceFactory(name=f"追加ひろば{i}", category=category)
    with django_assert_max_num_queries(bound):
        large = client.get(SEARCH, {**params, "situation": "exhausted"})
    assert large.context["page"].paginator.count > small.context["page"].paginator.count


def test_result_cards_show_the_start_of_the_description_without_loading_wide_columns(client, demo_city):
    ServiceFactory(name="ながい説明のひろば", description="ひ" * 79 + "ろば" * 100)
    response = client.get(SEARCH, {"q": "ながい説明"})
    assert "ひ" * 79 + "…" in response.content.decode()
    [service] = response.context["page"]
    assert {"search_text", "search_grams", "search_name", "description"} <= service.get_deferred_fields()


def test_service_page_shows_today_hours_how_to_use_and_structured_data(client, demo_city):
    service = Service.objects.get(name="ひろば なかよし")
    response = client.get(service.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "きょう" in html and "曜日ごとの時間" in html
    assert 'href="tel:0120-000-300"' in html
    assert "地域子育て支援拠点の4つの基本事業" in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Place" and data["name"] == "ひろば なかよし"
    assert data["geo"]["latitude"] == pytest.approx(35.6718)
    assert "年末年始休業" in html or "いつもと違う日" not in html


def test_service_page_bounded_queries(client, demo_city, django_assert_max_num_queries):
    service = Service.objects.get(name="緑ヶ丘子育てひろば")
    with django_assert_max_num_queries(12):
        client.get(service.get_absolute_url())


def test_service_page_shows_every_edit_at_once_although_its_static_part_is_cached(client, demo_city):
    service = Service.objects.get(name="ひろば なかよし")
    url = service.get_absolute_url()
    client.get(url)  # fills the cache
    # Bulk paths that bypass save() and never touch Service.updated_at: the cache key follows the rows.
    WeeklyHours.objects.filter(service=service).update(opens_at=dt.time(8, 47))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    SpecialHours.objects.filter(service=service).delete()
    SpecialHours.objects.create(service=service, date=tomorrow, is_closed=True, note="臨時点検")
    Service.objects.filter(pk=service.pk).update(description="新しい説明です")
    Location.objects.filter(pk=service.location_id).update(address="みどり市テスト町1-2-3")
    html = client.get(url).content.decode()
    assert "08:47" in html
    assert "臨時点検" in html
    assert "新しい説明です" in html
    assert "みどり市テスト町1-2-3" in html


def test_service_page_cache_is_per_language(client, demo_city):
    service = Service.objects.get(name="ひろば なかよし")
    client.get(service.get_absolute_url())  # Japanese, cached
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(service.get_absolute_url()).content.decode()
    assert "曜日ごとの時間" not in html


def test_service_page_queries_do_not_grow_with_listed_sessions(
    client, demo_city, django_assert_max_num_queries
):
    service = Service.objects.get(name="ひろば なかよし")
    for day in range(1, 11):
        SessionFactory(service=service, title="", starts_at=in_days(day))
    with django_assert_max_num_queries(12):
        html = client.get(service.get_absolute_url()).content.decode()
    assert html.count(f"<p>{service.name}") == 10


@pytest.mark.parametrize("change", [{"published": False}, {"status": Service.Status.ENDED}])
def test_hidden_or_ended_service_page_is_404(client, demo_city, change):
    service = Service.objects.get(name="ひろば なかよし")
    Service.objects.filter(pk=service.pk).update(**change)
    assert client.get(service.get_absolute_url()).status_code == 404


def test_situations_exist_in_a_fresh_database(db):
    assert Situation.objects.count() >= 12
    assert all(s.categories.exists() for s in Situation.objects.all())


# The national overview's three parents' voices (利用者支援事業): (situation, services the parent must see in the results)
VOICES = [
    (
        "night-emergency",
        {"ショートステイ みどりの家", "トワイライトステイ みどりの家", "一時預かり すくすくルーム"},
    ),
    ("development", {"みどり障害児相談支援センター", "児童発達支援 めばえ教室"}),
    ("exhausted", {"乳幼児健診・育児相談", "ふたごの会 つくし", "パパと遊ぼう サークル"}),
]


@pytest.mark.parametrize(("slug", "expected"), VOICES)
def test_each_voice_of_the_seed_reaches_its_services_in_two_steps(client, demo_city, slug, expected):
    situation = Situation.objects.get(slug=slug)
    home = client.get(reverse("portal:home")).content.decode()  # step 1: the home page lists it
    link = situation.search_url().replace("&", "&amp;")
    assert link in home
    response = client.get(situation.search_url())  # step 2: its results
    assert expected <= set(result_names(response))
    html = response.content.decode()
    assert situation.title in html and "相談を申し込む" in html


def test_consult_link_leads_to_user_support_sites(client, demo_city):
    names = set(result_names(client.get(SEARCH, {"category": "user-support"})))
    assert names == {"子育てコンシェルジュ（市役所）", "ひろば なかよし 利用者支援"}


def test_user_support_sites_offer_booking_a_consultation_from_the_result_list(client, demo_city):
    html = client.get(SEARCH, {"category": "user-support"}).content.decode()
    concierge = Service.objects.get(name="子育てコンシェルジュ（市役所）")
    assert f'href="{concierge.get_absolute_url()}#service-sessions-{concierge.pk}">相談を予約する' in html
    other_results = client.get(SEARCH, {"category": "temporary-care"}).content.decode()
    assert "相談を予約する" not in other_results


def test_navigation_offers_search_and_situations(client, db):
    html = client.get(reverse("portal:home")).content.decode()
    assert f'href="{SEARCH}"' in html
    assert f'href="{reverse("facilities:situations")}"' in html


def test_result_count_stops_at_the_cap(client, demo_city, monkeypatch):
    from facilities import views

    monkeypatch.setattr(views, "COUNT_CAP", 5)
    response = client.get(SEARCH)
    assert "5件以上みつかりました" in response.content.decode()
    assert len(result_names(response)) == 6  # pages still fill up to the capped count


def test_admin_finds_services_by_reading_and_edits_synonyms(client, demo_city, city_staff):
    client.force_login(city_staff)
    response = client.get("/admin/facilities/service/", {"q": "ｲﾁｼﾞｱｽﾞｶﾘ"})
    assert response.status_code == 200
    assert "一時預かり すくすくルーム" in response.content.decode()
    assert client.get("/admin/facilities/synonym/").status_code == 200
    assert client.get("/admin/facilities/situation/").status_code == 200
