"""Japanese text for search: one ``normalize()`` for stored text and queries, and readings (よみ).

A parent types 一時預かり, いちじあずかり, イチジアズカリ or ｲﾁｼﾞｱｽﾞｶﾘ; all four must meet the same stored
text. Stored text therefore holds the name *and* its reading, both normalized the same way as the query.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import threading
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
def _dictionary():
    from sudachipy import Dictionary

    return Dictionary(dict="core")


_per_thread = threading.local()


def _tokenizer():
    """This thread's SudachiPy tokenizer, made once and reused. The dictionary (60 ms to load) is
    shared; a tokenizer may not be used by two threads at once (SudachiError), and a threaded server
    analyses several queries at a time."""
    tokenizer = getattr(_per_thread, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _per_thread.tokenizer = _dictionary().tokenizer()
    return tokenizer


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


# Parts of speech (SudachiPy's first level) that carry what a parent looks for; particles (助詞),
# auxiliaries (助動詞), pronouns, adverbs, prefixes, suffixes and symbols do not.
_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞"}
_PREDICATE_POS = {"動詞", "形容詞"}
# Dictionary forms of the auxiliaries and the adjective that negate what comes before them.
_NEGATIONS = {"ない", "無い", "ぬ", "ず", "ん"}


@dataclasses.dataclass(frozen=True)
class Term:
    """One content word of a query or a text (内容語), as the analyser reads it.

    ``forms`` are the written form, the analyser's normalized form (子ども → 子供) and the reading,
    each ``normalize()``d; for a verb or adjective, the stem they share with the dictionary form, so
    預けたい meets 預ける and 預けて. ``negated`` marks a word a negation follows (落ち着きがない,
    休めない): the lack of it is meant, not the thing."""

    surface: str
    forms: tuple[str, ...]
    negated: bool = False
    predicate: bool = False


def _stem(surface: str, dictionary_form: str) -> str:
    common = 0
    for a, b in zip(surface, dictionary_form, strict=False):
        if a != b:
            break
        common += 1
    # 見る → 見: a one-character stem of a two-character verb is still the word; below that nothing.
    return surface[:common] if common else surface


def _content_term(morpheme) -> Term:
    surface = normalize(morpheme.surface())
    predicate = morpheme.part_of_speech()[0] in _PREDICATE_POS
    if predicate:
        written = _stem(surface, normalize(morpheme.dictionary_form()))
        reading = _stem(normalize(morpheme.reading_form()), normalize(reading_of(morpheme.dictionary_form())))
        forms = [written, reading]
    else:
        forms = [surface, normalize(morpheme.normalized_form()), normalize(morpheme.reading_form())]
    if morpheme.is_oov():
        forms = [surface]
    unique = tuple(dict.fromkeys(form for form in forms if form))
    return Term(surface=surface, forms=unique or (surface,), predicate=predicate)


@dataclasses.dataclass(frozen=True)
class Analysis:
    """What the analyser reads in a piece of text: its content words, and whether it is a phrase or a
    sentence (it has particles, auxiliaries or a negation: 夜中に預けたい) rather than a name."""

    terms: tuple[Term, ...]
    sentence: bool


@functools.lru_cache(maxsize=4096)
def analyse(text: str) -> Analysis:
    """The content words of ``text`` (名詞 except numerals, 動詞, 形容詞, 形状詞; not the 非自立 ones such
    as いる, ほしい), each marked ``negated`` when a negation (ない, ぬ, ず) follows it before the next
    content word.

    A sentence typed into the search box (夜中に子どもを預けたい) becomes 夜中, 子ども, 預け. Cached:
    queries and situation texts repeat."""
    terms: list[Term] = []
    sentence = False
    if not text:
        return Analysis((), False)
    from sudachipy import SplitMode

    for morpheme in _tokenizer().tokenize(unicodedata.normalize("NFKC", text), SplitMode.C):
        pos = morpheme.part_of_speech()
        if pos[0] in _CONTENT_POS and pos[1] not in {"非自立可能", "助動詞語幹", "数詞"}:
            terms.append(_content_term(morpheme))
        elif pos[0] in {"助詞", "助動詞"} or morpheme.dictionary_form() in _NEGATIONS:
            sentence = True
            if terms and morpheme.dictionary_form() in _NEGATIONS:
                terms[-1] = dataclasses.replace(terms[-1], negated=True)
    return Analysis(tuple(terms), sentence)


@functools.lru_cache(maxsize=8192)
def normalized_forms(text: str) -> str:
    """``text`` with every noun in the analyser's normalized form (子ども → 子供, こども → 子供), the rest
    as written, ``normalize()``d: stored next to the text so a query in either spelling meets it."""
    if not text:
        return ""
    from sudachipy import SplitMode

    parts = []
    for morpheme in _tokenizer().tokenize(unicodedata.normalize("NFKC", text), SplitMode.C):
        noun = morpheme.part_of_speech()[0] == "名詞" and not morpheme.is_oov()
        parts.append(morpheme.normalized_form() if noun else morpheme.surface())
    return normalize("".join(parts))
