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


_ROMAJI = {
    "a": "あ", "i": "い", "u": "う", "e": "え", "o": "お",
    "ka": "か", "ki": "き", "ku": "く", "ke": "け", "ko": "こ", "kya": "きゃ", "kyu": "きゅ", "kyo": "きょ",
    "ga": "が", "gi": "ぎ", "gu": "ぐ", "ge": "げ", "go": "ご", "gya": "ぎゃ", "gyu": "ぎゅ", "gyo": "ぎょ",
    "sa": "さ", "shi": "し", "si": "し", "su": "す", "se": "せ", "so": "そ",
    "sha": "しゃ", "shu": "しゅ", "sho": "しょ", "she": "しぇ", "sya": "しゃ", "syu": "しゅ", "syo": "しょ",
    "za": "ざ", "ji": "じ", "zi": "じ", "zu": "ず", "ze": "ぜ", "zo": "ぞ",
    "ja": "じゃ", "ju": "じゅ", "jo": "じょ", "je": "じぇ", "jya": "じゃ", "jyu": "じゅ", "jyo": "じょ",
    "ta": "た", "chi": "ち", "ti": "ち", "tsu": "つ", "tu": "つ", "te": "て", "to": "と",
    "cha": "ちゃ", "chu": "ちゅ", "cho": "ちょ", "che": "ちぇ", "tya": "ちゃ", "tyu": "ちゅ", "tyo": "ちょ",
    "da": "だ", "di": "ぢ", "du": "づ", "de": "で", "do": "ど",
    "na": "な", "ni": "に", "nu": "ぬ", "ne": "ね", "no": "の", "nya": "にゃ", "nyu": "にゅ", "nyo": "にょ",
    "ha": "は", "hi": "ひ", "fu": "ふ", "hu": "ふ", "he": "へ", "ho": "ほ", "hya": "ひゃ", "hyu": "ひゅ", "hyo": "ひょ",
    "fa": "ふぁ", "fi": "ふぃ", "fe": "ふぇ", "fo": "ふぉ",
    "ba": "ば", "bi": "び", "bu": "ぶ", "be": "べ", "bo": "ぼ", "bya": "びゃ", "byu": "びゅ", "byo": "びょ",
    "pa": "ぱ", "pi": "ぴ", "pu": "ぷ", "pe": "ぺ", "po": "ぽ", "pya": "ぴゃ", "pyu": "ぴゅ", "pyo": "ぴょ",
    "ma": "ま", "mi": "み", "mu": "む", "me": "め", "mo": "も", "mya": "みゃ", "myu": "みゅ", "myo": "みょ",
    "ya": "や", "yu": "ゆ", "yo": "よ",
    "ra": "ら", "ri": "り", "ru": "る", "re": "れ", "ro": "ろ", "rya": "りゃ", "ryu": "りゅ", "ryo": "りょ",
    "wa": "わ", "wo": "を", "-": "ー",
}  # fmt: skip


def romaji_to_hiragana(word: str) -> str | None:
    """Hepburn or kunrei romaji → hiragana (hiroba → ひろば, ichiji → いちじ); None unless the whole
    word converts, so English words and abbreviations stay as they are."""
    if not word.isascii() or not word.replace("-", "").isalpha():
        return None
    word, out, i = word.lower(), [], 0
    while i < len(word):
        if word[i : i + 2] == "nn" and word[i + 2 : i + 3] not in tuple("aiueoy"):
            out.append("ん")  # "nn" typed for ん (not the n of a following な行 syllable)
            i += 2
            continue
        if word[i] == "n" and word[i + 1 : i + 2] not in tuple("aiueoy"):
            out.append("ん")
            i += 1
            continue
        if i + 1 < len(word) and word[i] == word[i + 1] and word[i] not in "aiueon-":
            out.append("っ")
            i += 1
            continue
        for size in (3, 2, 1):
            kana = _ROMAJI.get(word[i : i + size])
            if kana:
                out.append(kana)
                i += size
                break
        else:
            return None
    return "".join(out)
