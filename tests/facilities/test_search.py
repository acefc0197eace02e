"""Japanese matching and ranking on the demo city: the relevance table of issue #3."""

from __future__ import annotations

import pytest
from django.db import connection

from facilities.models import Category, Service, Synonym
from facilities.search import search_services
from facilities.search_data import reindex_services
from tests.conftest import require_service
from tests.facilities.factories import ServiceFactory, bulk_services


def names(query: str, **filters) -> list[str]:
    return [s.name for s in search_services(query=query, **filters)]


SAME_AS_KANJI = [
    "いちじあずかり",
    "イチジアズカリ",
    "ｲﾁｼﾞｱｽﾞｶﾘ",
    "一時預かり",
    "ichijiazukari",
    "ＩＣＨＩＪＩＡＺＵＫＡＲＩ",
]


@pytest.mark.parametrize("typed", SAME_AS_KANJI)
def test_one_word_in_any_script_finds_the_same_services(demo_city, typed):
    assert set(names(typed)) == set(names("一時預かり"))
    assert names(typed)[0] == "一時預かり すくすくルーム"


# (query, the service expected first, services that must also be found)
RELEVANCE = [
    ("一時預かり", "一時預かり すくすくルーム", {"百舌鳥保育園 一時保育"}),
    ("一時保育", "百舌鳥保育園 一時保育", {"一時預かり すくすくルーム"}),  # synonym ↔
    # Four names contain 保育 and tie; ties go by reading (しょうきぼ… first).
    ("保育", "小規模保育 ちいさなて", {"みどり中央保育園", "百舌鳥保育園 一時保育", "病児保育室 ぽかぽか"}),
    ("ほいく", "小規模保育 ちいさなて", {"みどり中央保育園", "百舌鳥保育園 一時保育"}),
    ("発達", "児童発達支援 めばえ教室", {"みどり障害児相談支援センター"}),
    ("はったつ", "児童発達支援 めばえ教室", {"みどり障害児相談支援センター"}),
    ("ショートステイ", "ショートステイ みどりの家", {"トワイライトステイ みどりの家"}),  # → 子育て短期支援
    ("ひろば", "ひろば なかよし", {"緑ヶ丘子育てひろば", "みどりの家 親子のつどい", "出張ひろば みなと"}),
    ("ファミサポ", "ファミリー・サポート・センター", set()),
    ("病児保育", "病児保育室 ぽかぽか", set()),
    ("学童", "港小学校 放課後児童クラブ", set()),
    ("ひろば みなと", "出張ひろば みなと", set()),  # several words narrow (AND)
    ("保健 しんどい", "乳幼児健診・育児相談", set()),
    (
        "みどりのいえ",
        "みどりの家 親子のつどい",
        {"ショートステイ みどりの家", "トワイライトステイ みどりの家"},
    ),
]


@pytest.mark.parametrize(("query", "first", "also"), RELEVANCE)
def test_relevance_table(demo_city, query, first, also):
    found = names(query)
    assert found, f"{query!r} found nothing"
    assert found[0] == first, found
    assert also <= set(found), found


def test_name_match_ranks_above_description_match(demo_city):
    found = names("保育")
    # 百舌鳥ひろば mentions 保育園 only in its description.
    assert found.index("百舌鳥ひろば") > found.index("百舌鳥保育園 一時保育")


def test_exact_name_ranks_above_partial(demo_city):
    exact = ServiceFactory(name="保育", name_kana="ほいく")
    assert names("保育")[0] == exact.name


def test_several_words_must_all_match(demo_city):
    assert names("ひろば 保育園") == ["百舌鳥ひろば"]
    assert names("ひろば　存在しない言葉") == []


def test_ties_are_ordered_by_distance_from_a_point(demo_city):
    from facilities.geo import point_for_postal_code

    near_minato = names("ひろば", point=point_for_postal_code("100-0041"))
    near_mitarai = names("ひろば", point=point_for_postal_code("100-0021"))
    # 出張ひろば みなと and 緑ヶ丘子育てひろば score alike (name contains ひろば): the nearer comes first.
    assert near_minato.index("出張ひろば みなと") < near_minato.index("緑ヶ丘子育てひろば")
    assert near_mitarai[0] == "ひろば なかよし"


def test_sort_by_distance_puts_the_nearest_first(demo_city):
    from facilities.geo import point_for_postal_code

    results = list(search_services(point=point_for_postal_code("100-0022"), sort="distance"))
    assert results[0].location.name in {"こどもの芽 発達支援室"}


def test_a_synonym_added_by_staff_applies_at_once(demo_city):
    assert names("ねんねの会") == []
    Synonym.objects.create(term="ねんねの会", expansion="ベビーマッサージ")
    assert names("ねんねの会") == ["ベビーマッサージ講座"]


def test_a_synonym_typed_in_kana_expands_like_its_kanji(demo_city):
    assert set(names("いちじほいく")) == set(names("一時保育"))


def test_hidden_and_ended_services_are_not_found(demo_city):
    Service.objects.filter(name="一時預かり すくすくルーム").update(published=False)
    Service.objects.filter(name="百舌鳥保育園 一時保育").update(status=Service.Status.ENDED)
    assert names("一時預かり") == ["子育てコンシェルジュ（市役所）"]


def test_blank_reading_is_generated_and_search_data_kept_on_save(db):
    service = ServiceFactory(name="百舌鳥ひろば", name_kana="")
    assert service.name_kana == "もずひろば"
    assert [s.pk for s in search_services(query="もず")] == [service.pk]
    # Staff clear the reading to have it generated again (a corrected reading is never overwritten).
    service.name, service.name_kana = "港ひろば", ""
    service.save()
    assert [s.pk for s in search_services(query="みなと")] == [service.pk]


def test_reindex_services_fills_search_data_after_bulk_create(db):
    category = Category.objects.get(slug="hub")
    template = ServiceFactory(category=category)
    Service.objects.bulk_create(
        [
            Service(
                organization=template.organization,
                location=template.location,
                category=category,
                name=f"一括ひろば{i}",
                source_id=f"bulk-{i}",
            )
            for i in range(3)
        ]
    )
    assert names("一括") == []
    assert reindex_services(Service.objects.filter(source_id__startswith="bulk-")) == 3
    assert len(names("いっかつ")) == 3


def test_category_rename_reindexes_its_services(demo_city):
    category = Category.objects.get(slug="family-support")
    category.name = "ファミリー・サポート・センター（子育て援助活動支援事業）"
    category.save()
    assert names("援助活動") == ["ファミリー・サポート・センター"]


def test_editing_a_category_without_renaming_it_leaves_its_services_alone(
    demo_city, django_assert_num_queries
):
    category = Category.objects.get(slug="family-support")
    category.description, category.order = "説明を直しました。", 99
    with django_assert_num_queries(2):  # the stored name, then the update: no service is reindexed
        category.save()


def test_a_renamed_place_is_found_under_its_new_name(demo_city):
    location = Service.objects.get(name="ひろば なかよし").location
    location.name, location.name_kana = "さくら公園こども館", ""
    location.save()
    assert "ひろば なかよし" in names("さくら公園")


def test_postgresql_search_uses_the_gin_index_for_two_character_words(db):
    require_service(connection.vendor == "postgresql", "EXPLAIN of the GIN index needs PostgreSQL")
    bulk_services(
        [
            f"サークル{i:05d}" + ("保育室" if i % 500 == 0 else "") + ("発達" if i % 700 == 0 else "")
            for i in range(30_000)
        ]
    )
    for query in ["保育", "発達", "一時預かり", "保育 発達"]:
        plan = search_services(query=query).explain()
        assert "facilities_service_search_grams_gin" in plan, plan
