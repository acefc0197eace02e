"""Words parents type for each こんなときは, and more of their words for the directory's terms.

Found by typing as parents do (issue #14): 子育て支援センター is what most call a 地域子育て支援拠点,
産後 and 母子手帳 lead to the health centre, 夜泣き to its 育児相談. City staff edit both in the admin
and add more from the searches that found nothing.
"""

from django.db import migrations

from facilities.text import normalize, reading_of

# slug → words a parent in that situation types (space separated).
KEYWORDS = {
    "night-emergency": "夜中 深夜 夜間 夜 預けたい 預かってほしい 急用 緊急 入院 病院 介護 泊まり 冠婚葬祭",
    "development": "発達 落ち着きがない ことばが遅い 言葉が遅い 療育 発達障害 自閉症 多動 気になる 集団になじめない かんしゃく",
    "exhausted": "しんどい つらい 疲れた 眠れない イライラ 孤独 育児ノイローゼ 産後うつ 限界 夜泣き",
    "refresh": "リフレッシュ 美容院 通院 息抜き 一時預かり ひと息",
    "sick-child": "病気 熱 発熱 風邪 病児 病後児 仕事を休めない 感染症",
    "make-friends": "友達 友だち 知り合い 引っ越し 遊び場 遊べる 仲間 ひろば 孤立 転入",
    "pregnant": "妊娠 妊婦 出産 産前 産後 母子手帳 つわり 両親学級 母親学級 プレママ",
    "back-to-work": "保育園 保育所 入園 復職 職場復帰 仕事に戻る 共働き 待機児童 入所",
    "after-school": "放課後 学童 小学生 小学校 小1の壁",
    "baby-food": "離乳食 健診 ミルク 母乳 授乳 体重 予防接種 栄養",
    "dads": "パパ お父さん 父親 育休 男性",
    "helping-hand": "送り迎え 手助け 上の子 下の子 きょうだい 頼みたい ファミサポ",
    "where-to-ask": "相談 分からない わからない 窓口 誰に 困った",
}

# (term, expansion, two_way)
SYNONYMS = [
    ("子育て支援センター", "地域子育て支援拠点", False),
    ("支援センター", "地域子育て支援拠点", False),
    ("児童センター", "児童館", False),
    ("産後", "保健センター", False),
    ("産後", "育児相談", False),
    ("母子手帳", "妊婦", False),
    ("夜泣き", "育児相談", False),
    ("お母さん", "母親", True),
    ("預け先", "一時預かり", False),
]


def seed(apps, schema_editor):
    Situation = apps.get_model("facilities", "Situation")
    Synonym = apps.get_model("facilities", "Synonym")
    for slug, keywords in KEYWORDS.items():
        Situation.objects.filter(slug=slug, keywords="").update(keywords=keywords)
    for term, expansion, two_way in SYNONYMS:
        Synonym.objects.get_or_create(
            term_normalized=normalize(term),
            expansion_normalized=normalize(expansion),
            defaults={
                "term": term,
                "expansion": expansion,
                "two_way": two_way,
                "term_reading": normalize(reading_of(term)),
                "expansion_reading": normalize(reading_of(expansion)),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("facilities", "0011_situation_keywords_and_search_misses")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
