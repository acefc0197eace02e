"""The search page never ends empty (issue #14): こんなときは fitted to the query, how results were found,
the nearest known word, the consultation contacts with a phone, and what city staff do with misses."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from facilities.models import Category, SearchMiss, Service, Situation, Synonym
from facilities.search import CONTACTS_SHOWN, find_services, search_services
from facilities.services import search_miss_record
from tests.facilities.factories import ServiceFactory

SEARCH = reverse("facilities:search")
MISSES = reverse("facilities:search_misses")
WEDNESDAY_10 = dt.datetime(2026, 12, 2, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Tokyo"))


def test_a_sentence_shows_its_situation_above_the_results_with_a_phone_to_tap(client, demo_city):
    response = client.get(SEARCH, {"q": "夜中に子どもを預けたい"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "こんなときは：夜中や急な用事で、子どもを預けたい" in html
    assert "ショートステイ みどりの家" in html
    assert 'href="tel:0120000200"' in html
    assert html.index("situation-match") < html.index('id="results-title"')


def test_when_all_words_find_nothing_any_of_them_does_and_the_page_says_so(client, demo_city):
    response = client.get(SEARCH, {"q": "離乳食 ふたご"})
    assert response.context["finding"].mode == "any"
    html = response.content.decode()
    assert "どれかのことばを含むサービスを表示しています" in html
    assert "離乳食教室" in html and "ふたごの会 つくし" in html
    # The way forward is on the page too.
    assert "子育てコンシェルジュ（市役所）" in html and 'href="tel:0120000100"' in html


def test_a_typo_shows_the_nearest_known_word_and_its_results(client, demo_city):
    response = client.get(SEARCH, {"q": "いちじあづかり"})
    assert response.context["finding"].mode == "suggestion"
    html = response.content.decode()
    assert (
        "「いちじあづかり」は見つかりませんでした。近いことば「一時預かり」の結果を表示しています。" in html
    )
    assert "一時預かり すくすくルーム" in html


def test_a_page_with_nothing_found_offers_situations_and_the_consultation_phone(client, demo_city):
    response = client.get(SEARCH, {"q": "qzxqzx"})
    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert reverse("facilities:situations") in html
    assert "利用者支援専門員がいっしょに考えます" in html
    assert 'href="tel:0120000100"' in html and 'href="tel:0120000300"' in html


def test_the_way_forward_names_a_few_consultation_sites_and_links_to_all_of_them(client, demo_city):
    basic = Category.objects.get(slug="user-support-basic")
    for n in range(CONTACTS_SHOWN):
        ServiceFactory(name=f"相談窓口 {n}", category=basic, phone=f"0120-111-{n:03}")
    sites = Service.objects.visible_to_parents().filter(category__parent__slug="user-support").count()
    assert sites > CONTACTS_SHOWN
    response = client.get(SEARCH, {"q": "qzxqzx"})
    html = response.content.decode()
    contacts = response.context["contacts"]
    assert len(contacts) == CONTACTS_SHOWN
    assert contacts[0].name == "子育てコンシェルジュ（市役所）"  # the city's own counter first
    assert html.count('class="call-link"') == CONTACTS_SHOWN
    assert f'href="{SEARCH}?category=user-support"' in html
    # That link lists every site.
    every = client.get(SEARCH, {"category": "user-support"})
    assert every.context["page"].paginator.count == sites


def test_filters_that_leave_nothing_also_offer_the_way_forward(client, demo_city):
    response = client.get(SEARCH, {"category": "kindergarten", "age_months": "200"})
    assert list(response.context["page"]) == []
    assert 'href="tel:0120000100"' in response.content.decode()


def test_a_word_found_as_typed_shows_no_situation_and_no_notice(client, demo_city):
    response = client.get(SEARCH, {"q": "一時預かり"})
    assert response.context["finding"].mode == "all"
    assert response.context["finding"].situations == []
    assert "situation-match" not in response.content.decode()
    assert "見つからないときは" not in response.content.decode()


def test_negation_is_kept_in_mind(demo_city):
    # 休めない is what the parent cannot do: it fits the situation that says so, and is not looked for
    # in the services' text (where 休み means a day off).
    finding = find_services(query="仕事を休めない", cap=20, now=WEDNESDAY_10)
    assert [situation.slug for situation, _services in finding.situations] == ["sick-child"]
    assert finding.situations[0][1][0].name == "病児保育室 ぽかぽか"


def test_a_closed_result_says_when_it_next_opens(client, demo_city, monkeypatch):
    # A Wednesday morning: the Saturday circle (10:00–12:00 on Saturdays only) is closed.
    monkeypatch.setattr(timezone, "now", lambda: WEDNESDAY_10)
    response = client.get(SEARCH, {"q": "パパと遊ぼう"})
    (service,) = list(response.context["page"])
    assert not service.is_open_at(WEDNESDAY_10)
    assert service.next_opening == WEDNESDAY_10.replace(day=5)  # Saturday 10:00
    assert "次は" in response.content.decode()


def test_english_words_find_japanese_entries(demo_city):
    assert search_services(query="temporary childcare")[0].category.slug == "temporary-care"
    assert {s.category.slug for s in search_services(query="health center")} == {"health-center"}


def test_target_words_find_services_by_whom_they_are_for(demo_city):
    pregnancy = {s.name for s in search_services(query="妊婦")}
    assert pregnancy == set(Service.objects.filter(for_pregnant=True).values_list("name", flat=True))
    # A service without any age range is not taken to be for 小学生.
    school = {s.name for s in search_services(query="小学生")}
    assert "港小学校 放課後児童クラブ" in school
    assert "子育てコンシェルジュ（市役所）" not in school


def test_open_data_texts_are_searched_age_notes_and_remarks(db):
    service = ServiceFactory(
        name="ぽかぽかルーム",
        age_text="妊婦さん、産後1年まで",
        hours_notes="第3土曜は休み",
        remarks="授乳室あり",
    )
    for typed in ("産後1年", "第3土曜", "授乳室", "じゅにゅうしつ"):
        assert [s.pk for s in search_services(query=typed)] == [service.pk], typed


# Searches that found nothing: counted per month, no personal data.


def test_a_miss_is_counted_once_per_search_without_who_or_when(client, demo_city):
    client.get(SEARCH, {"q": "qzxqzx"})
    client.get(SEARCH, {"q": " qzxqzx "})
    client.get(SEARCH, {"q": "一時預かり"})
    miss = SearchMiss.objects.get()
    assert (miss.query, miss.count, miss.month) == ("qzxqzx", 2, timezone.localdate().replace(day=1))


@pytest.mark.parametrize("query", ["090-1234-5678", "mail@example.jp", "あ" * 51])
def test_queries_that_may_be_personal_data_are_not_kept(db, query):
    search_miss_record(query=query, today=dt.date(2026, 12, 1))
    assert not SearchMiss.objects.exists()


def test_half_typed_words_sent_while_typing_are_not_misses(client, demo_city):
    client.get(SEARCH, {"q": "qzxq"}, headers={"HX-Request": "true", "HX-Trigger": "id_q"})
    assert not SearchMiss.objects.exists()
    client.get(SEARCH, {"q": "qzxq"}, headers={"HX-Request": "true", "HX-Trigger": "search-form"})
    assert SearchMiss.objects.get().count == 1


def test_only_city_staff_see_the_misses(client, parent, specialist):
    assert client.get(MISSES).status_code == 302
    for user in (parent, specialist):
        client.force_login(user)
        assert client.get(MISSES).status_code == 403


def _miss(query: str = "ねんね") -> SearchMiss:
    return SearchMiss.objects.create(month=timezone.localdate().replace(day=1), query=query, count=3)


def test_staff_turn_a_miss_into_a_synonym_in_one_step(client, city_staff, demo_city):
    miss = _miss()
    SearchMiss.objects.create(month=dt.date(2020, 1, 1), query="むかしの", count=9)
    client.force_login(city_staff)
    page = client.get(MISSES).content.decode()
    assert "「ねんね」" in page and "3回" in page and "むかしの" not in page
    response = client.post(
        MISSES, {f"m{miss.pk}-query": "ねんね", f"m{miss.pk}-expansion": "ベビーマッサージ"}
    )
    assert response.status_code == 302
    assert Synonym.objects.filter(term="ねんね", expansion="ベビーマッサージ").exists()
    assert search_services(query="ねんね")[0].name == "ベビーマッサージ講座"


def test_staff_turn_a_miss_into_a_situation_word_in_one_step(client, city_staff, demo_city):
    miss = _miss("寝かしつけ")
    exhausted = Situation.objects.get(slug="exhausted")
    client.force_login(city_staff)
    client.post(MISSES, {f"m{miss.pk}-query": "寝かしつけ", f"m{miss.pk}-situation": exhausted.pk})
    exhausted.refresh_from_db()
    assert exhausted.keywords.split()[-1] == "寝かしつけ"
    finding = find_services(query="寝かしつけ", cap=20)
    assert [situation.slug for situation, _services in finding.situations] == ["exhausted"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "どちらか一つを選んでください"),
        ({"expansion": "ベビーマッサージ", "situation": "SITUATION"}, "どちらか一つを選んでください"),
        ({"expansion": "ねんね"}, "ことばと言いかえが同じです"),
    ],
)
def test_a_bad_addition_is_explained_keeps_what_was_typed_and_saves_nothing(
    client, city_staff, demo_city, fields, message
):
    miss = _miss()
    situation = Situation.objects.get(slug="exhausted")
    keywords = situation.keywords
    client.force_login(city_staff)
    data = {f"m{miss.pk}-query": "ねんね"}
    data.update({f"m{miss.pk}-{k}": (situation.pk if v == "SITUATION" else v) for k, v in fields.items()})
    response = client.post(MISSES, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    if "expansion" in fields:
        assert f'value="{fields["expansion"]}"' in response.content.decode()
    assert not Synonym.objects.filter(term="ねんね").exists()
    situation.refresh_from_db()
    assert situation.keywords == keywords


def test_a_synonym_already_there_is_refused_with_its_rule(client, city_staff, demo_city):
    miss = _miss("ねんね")
    Synonym.objects.create(term="ねんね", expansion="ベビーマッサージ")
    client.force_login(city_staff)
    response = client.post(
        MISSES, {f"m{miss.pk}-query": "ねんね", f"m{miss.pk}-expansion": "ベビーマッサージ"}
    )
    assert "同じ組み合わせの同義語がすでにあります" in response.content.decode()
    assert Synonym.objects.filter(term="ねんね").count() == 1


def test_what_anyone_typed_is_escaped_on_every_page(client, city_staff, demo_city):
    typed = "<script>alert(1)</script>"
    response = client.get(SEARCH, {"q": typed})
    assert typed not in response.content.decode()
    assert SearchMiss.objects.get().query == typed
    client.force_login(city_staff)
    page = client.get(MISSES).content.decode()
    assert typed not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("query", ["夜中に子どもを預けたい", "いちじあづかり", "qzxqzx", "離乳食 ふたご"])
def test_the_way_forward_costs_a_bounded_number_of_queries(
    client, demo_city, django_assert_max_num_queries, query
):
    # Each step tried (as typed, content words, any word, nearest word) is one count, "any word" one
    # capped count per content word (at most MAX_ANY_WORDS); the nearest word reads the synonyms, the
    # 種別 and at most 1,000 readings; a fitting situation its candidates and services; a miss is
    # counted (two statements and their savepoints). None of it grows with the directory.
    bound = 30 if connection.vendor == "postgresql" else 26
    with django_assert_max_num_queries(bound):
        assert client.get(SEARCH, {"q": query}).status_code == 200


def test_a_busy_database_leaves_the_miss_uncounted_but_the_page_shown(client, demo_city, monkeypatch):
    from django.db import OperationalError
    from django.db.models import QuerySet

    def busy(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(QuerySet, "update", busy)
    assert client.get(SEARCH, {"q": "qzxqzx"}).status_code == 200
    monkeypatch.undo()
    assert not SearchMiss.objects.exists()


def test_any_of_the_words_leaves_out_a_word_too_common_to_tell(db):
    for i in range(5):
        ServiceFactory(name=f"子どもの部屋{i}")
    twins = ServiceFactory(name="ふたごの部屋")
    finding = find_services(query="子ども ふたご", cap=3)
    assert finding.mode == "any"
    # 子ども is in more services than the cap: ranking them all would read every match.
    assert [s.pk for s in finding.results[0:10]] == [twins.pk]
    only_common = find_services(query="子ども 部屋", cap=3)
    assert only_common.mode == "all"  # found as typed
    assert find_services(query="子ども qzx", cap=3).results.count() == 4  # the common word alone


def test_the_misses_of_a_month_are_bounded(db, monkeypatch):
    monkeypatch.setattr("facilities.services.MAX_MISSES_PER_MONTH", 2)
    for query in ("ひとつ", "ふたつ", "みっつ", "ひとつ"):
        search_miss_record(query=query, today=dt.date(2026, 12, 5))
    assert dict(SearchMiss.objects.values_list("query", "count")) == {"ひとつ": 2, "ふたつ": 1}
