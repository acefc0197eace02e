"""normalize() and reading_of(): one form for stored text and queries, whatever the script."""

from __future__ import annotations

import pytest

from facilities.text import grams, normalize, query_grams, reading_of, romaji_to_hiragana


@pytest.mark.parametrize(
    "typed", ["一時預かり", "いちじあずかり", "イチジアズカリ", "ｲﾁｼﾞｱｽﾞｶﾘ", " イチジ　アズカリ "]
)
def test_kana_in_any_width_or_script_normalizes_alike(typed):
    expected = "一時預かり" if typed == "一時預かり" else "いちじあずかり"
    assert normalize(typed) == expected


def test_normalize_folds_width_case_and_drops_middle_dots():
    assert normalize("ファミリー・サポート・センター") == "ふぁみりーさぽーとせんたー"
    assert normalize("ＮＰＯ法人") == "npo法人"
    assert normalize("") == ""


def test_reading_is_hiragana_and_keeps_symbols():
    assert reading_of("一時預かり") == "いちじあずかり"
    assert reading_of("子育てコンシェルジュ（市役所）") == "こそだてこんしぇるじゅ(しやくしょ)"


def test_grams_do_not_span_fields():
    assert "かり" in grams("あずかり\nせんたー")
    assert "りせ" not in grams("あずかり\nせんたー")
    assert query_grams("保") == ["保"]
    assert query_grams("保育園") == ["保育", "育園"]


@pytest.mark.parametrize(
    ("typed", "kana"),
    [
        ("hiroba", "ひろば"),
        ("ichiji", "いちじ"),
        ("hattatsu", "はったつ"),
        ("konnichiwa", "こんにちわ"),
        ("minna", "みんな"),
    ],
)
def test_romaji_converts_to_hiragana(typed, kana):
    assert romaji_to_hiragana(typed) == kana


@pytest.mark.parametrize("typed", ["abc", "xyz", "保育", "12"])
def test_words_that_are_not_romaji_stay_as_typed(typed):
    assert romaji_to_hiragana(typed) is None


def test_threads_of_a_server_analyse_at_the_same_time():
    # A SudachiPy tokenizer refuses to be used by two threads at once; each thread has its own.
    from concurrent.futures import ThreadPoolExecutor

    from facilities.text import analyse

    texts = [f"夜中に子どもを預けたい{i}" for i in range(400)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(analyse.__wrapped__, texts))
    assert all(result.sentence and result.terms[0].surface == "夜中" for result in results)


def test_a_sentence_becomes_its_content_words_with_negation_kept():
    from facilities.text import analyse

    night = analyse("夜中に子どもを預けたい")
    assert night.sentence
    assert [term.surface for term in night.terms] == ["夜中", "子ども", "預け"]
    assert "子供" in night.terms[1].forms and "こども" in night.terms[1].forms
    restless = analyse("落ち着きがない")
    assert restless.terms[0].negated and not restless.terms[0].predicate
    off = analyse("仕事を休めない")
    assert [(t.surface, t.negated, t.predicate) for t in off.terms] == [
        ("仕事", False, False),
        ("休め", True, True),
    ]
    assert not analyse("一時預かり").sentence
