"""English for the seeded 種別 and こんなときは (migration 0010): shown in the English UI and matched."""

from __future__ import annotations

import pytest

from facilities.models import Category, Situation, Synonym


@pytest.mark.django_db
def test_every_seeded_category_has_an_english_name():
    assert Category.objects.count() >= 24
    assert list(Category.objects.filter(name_en="").values_list("slug", flat=True)) == []
    assert Category.objects.get(slug="temporary-care").name_en == "Temporary childcare"
    assert Category.objects.get(slug="health-center").name_en.startswith("Health center")


@pytest.mark.django_db
def test_every_seeded_situation_has_english_title_and_words():
    assert Situation.objects.count() >= 13
    untranslated = Situation.objects.filter(title_en="") | Situation.objects.filter(words_en="")
    assert list(untranslated.values_list("slug", flat=True)) == []


@pytest.mark.django_db
def test_english_words_parents_use_lead_to_japanese_terms():
    assert Synonym.objects.get(term_normalized="babysitting").expansion == "一時預かり"
    assert Synonym.objects.get(term_normalized="daycare").expansion == "保育所"
