"""Japanese text for search: one ``normalize()`` for stored text and queries, and readings (よみ).

A parent types 一時預かり, いちじあずかり, イチジアズカリ or ｲﾁｼﾞｱｽﾞｶﾘ; all four must meet the same stored
text. Stored text therefore holds the name *and* its reading, both normalized the same way as the query.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Katakana ァ (U+30A1) .. ヶ (U+30F6) map to hiragana ぁ (U+3041) .. ゖ (U+3096) by a fixed offset.
_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}
# Dropped: white space of any width and the middle dot used between words (ファミリー・サポート).
_DROPPED = re.compile(r"[\s・･]+")


def normalize(text: str) -> str:
    """Search form of ``text``: NFKC (folds half/full width), lower case, katakana → hiragana,
    spaces and ・ dropped."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_KATAKANA_TO_HIRAGANA)
    return _DROPPED.sub("", folded)


def to_hiragana(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_KATAKANA_TO_HIRAGANA)


@functools.cache
def _tokenizer():
    from sudachipy import Dictionary

    return Dictionary(dict="core").tokenizer()


@functools.lru_cache(maxsize=8192)
def reading_of(text: str) -> str:
    """よみ of ``text`` in hiragana, by SudachiPy (split mode C, so compounds keep one reading).

    Symbols and words the dictionary does not know keep their written form (a reading of 「（」 is
    not キゴウ). Proper nouns are often misread: staff may correct the stored reading.
    """
    if not text:
        return ""
    from sudachipy import SplitMode

    parts = []
    for morpheme in _tokenizer().tokenize(unicodedata.normalize("NFKC", text), SplitMode.C):
        if morpheme.part_of_speech()[0] in {"補助記号", "空白"} or morpheme.is_oov():
            parts.append(morpheme.surface())
        else:
            parts.append(morpheme.reading_form())
    return to_hiragana("".join(parts))


def grams(text: str) -> set[str]:
    """Unigrams and bigrams of ``text`` (already normalized); lines are separate fields, so no gram
    spans two of them."""
    result: set[str] = set()
    for line in text.split("\n"):
        result.update(line)
        result.update(line[i : i + 2] for i in range(len(line) - 1))
    return result


def query_grams(term: str) -> list[str]:
    """The grams a stored text must contain to contain ``term``: its bigrams, or the one character."""
    if len(term) == 1:
        return [term]
    return sorted({term[i : i + 2] for i in range(len(term) - 1)})
