"""Starting synonyms and the こんなときは situations (the seed's three voices first). City staff edit both."""

from django.db import migrations

from facilities.text import normalize, reading_of

# (term, expansion, two_way)
SYNONYMS = [
    ("ショートステイ", "子育て短期支援", False),
    ("トワイライトステイ", "子育て短期支援", False),
    ("一時保育", "一時預かり", True),
    ("ひろば", "地域子育て支援拠点", False),
    ("子育てひろば", "地域子育て支援拠点", False),
    ("発達", "児童発達支援", False),
    ("発達", "障害児相談支援", False),
    ("療育", "児童発達支援", False),
    ("病児保育", "病児・病後児保育", True),
    ("病後児保育", "病児・病後児保育", True),
    ("ファミサポ", "ファミリー・サポート・センター", True),
    ("学童", "放課後児童クラブ", True),
    ("学童保育", "放課後児童クラブ", True),
    ("健診", "保健センター", False),
    ("保健師", "保健センター", False),
    ("夜間", "トワイライトステイ", False),
    ("泊まり", "ショートステイ", False),
    ("保育園", "保育所", True),
]

# (slug, title, words, category slugs, query, nights_weekends, pregnant)
SITUATIONS = [
    ("night-emergency", "夜中や急な用事で、子どもを預けたい",
     "もう夜中だけど、親を病院に連れて行くので、子どもをあずかってほしい……",
     ["short-term-support", "temporary-care"], "", True, False),
    ("development", "子どもの発達が気になる",
     "うちの子、よその家庭の子より落ち着きが無い気がする……",
     ["disability-consultation", "child-development-support"], "", False, False),
    ("exhausted", "子育てがしんどい",
     "最近、子育てがしんどいです……",
     ["parent-circle", "health-center", "hub"], "", False, False),
    ("refresh", "少しのあいだ預けて、ひと息つきたい",
     "通院や美容院のあいだだけ、子どもを見てもらえたら……",
     ["temporary-care", "family-support"], "", False, False),
    ("sick-child", "子どもが病気だけど、仕事を休めない",
     "熱は下がってきたけど、まだ保育園に行けない。明日どうしよう……",
     ["sick-child-care"], "", False, False),
    ("make-friends", "親子で遊べる場所や、話せる人がほしい",
     "引っ越してきたばかりで、まわりに知り合いがいない……",
     ["hub", "popup-hub", "childrens-hall", "parent-circle"], "", False, False),
    ("pregnant", "妊娠中で、出産や子育てが不安",
     "はじめての出産で、何を準備したらいいのか分からない……",
     ["health-center", "hub", "user-support"], "", False, True),
    ("back-to-work", "仕事に戻るので、保育園を探したい",
     "来年から仕事に戻るけど、どこに預ければいいの？",
     ["early-childhood", "user-support-specific"], "", False, False),
    ("after-school", "小学生の放課後の居場所がほしい",
     "小学校に上がったら、放課後はどうしよう……",
     ["after-school-club", "childrens-hall"], "", False, False),
    ("baby-food", "離乳食や健診のことを聞きたい",
     "離乳食がなかなか進まなくて心配……",
     ["health-center", "parenting-course"], "", False, False),
    ("dads", "お父さんも子育ての仲間がほしい",
     "パパ同士で話せる場所ってあるのかな？",
     ["parent-circle", "hub", "parenting-course"], "", False, False),
    ("helping-hand", "送り迎えや、ちょっとした手助けがほしい",
     "上の子の送り迎えのあいだ、下の子を誰かに頼めたら……",
     ["family-support", "temporary-care"], "", False, False),
    ("where-to-ask", "どこに相談したらいいか分からない",
     "何を使えばいいのか、誰に聞けばいいのかも分からない……",
     ["user-support"], "", False, False),
]


def seed(apps, schema_editor):
    Synonym = apps.get_model("facilities", "Synonym")
    Situation = apps.get_model("facilities", "Situation")
    Category = apps.get_model("facilities", "Category")
    for term, expansion, two_way in SYNONYMS:
        Synonym.objects.update_or_create(
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
    for order, (slug, title, words, categories, query, nights_weekends, pregnant) in enumerate(SITUATIONS):
        situation, _ = Situation.objects.update_or_create(
            slug=slug,
            defaults={
                "title": title,
                "words": words,
                "query": query,
                "nights_weekends": nights_weekends,
                "pregnant": pregnant,
                "order": (order + 1) * 10,
            },
        )
        situation.categories.set(Category.objects.filter(slug__in=categories))


class Migration(migrations.Migration):
    dependencies = [("facilities", "0005_search_grams_gin_index")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
