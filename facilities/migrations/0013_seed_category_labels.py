"""種別の読み替え seeded with the 種別 values of 子育て施設一覧 as cities publish them.

City staff edit the table afterwards; values not listed here are asked for in the import preview.
"""

from __future__ import annotations

from django.db import migrations

from facilities.text import normalize

LABELS = {
    "kindergarten": ["幼稚園", "公立幼稚園", "私立幼稚園"],
    "nursery": [
        "保育所",
        "保育園",
        "認可保育所",
        "認可公立保育所",
        "認可私立保育所",
        "公立保育所",
        "私立保育所",
    ],
    "certified-kodomoen": [
        "認定こども園",
        "認定こども園（幼保連携型）",
        "認定こども園（幼稚園型）",
        "認定こども園（保育所型）",
        "認定こども園（地方裁量型）",
        "幼保連携型認定こども園",
        "幼稚園型認定こども園",
        "保育所型認定こども園",
        "地方裁量型認定こども園",
    ],
    "small-nursery": ["小規模保育", "小規模保育事業", "小規模保育所", "小規模保育施設"],
    # 認可外 has no category of its own: the 教育・保育施設 parent, the file's 種別 kept as written.
    "early-childhood": ["認可外保育所", "認可外保育施設"],
    "hub": ["地域子育て支援拠点", "地域子育て支援拠点事業", "子育て支援センター", "地域子育て支援センター"],
    "temporary-care": ["一時預かり", "一時預かり事業", "一時保育"],
    "childrens-hall": ["児童館", "児童センター"],
    "after-school-club": ["放課後児童クラブ", "学童保育", "放課後児童健全育成事業"],
    "sick-child-care": ["病児保育", "病後児保育", "病児・病後児保育"],
    "family-support": ["ファミリー・サポート・センター", "ファミリーサポートセンター"],
    "short-stay": ["ショートステイ"],
    "twilight-stay": ["トワイライトステイ"],
    "short-term-support": ["子育て短期支援", "子育て短期支援事業"],
    "health-center": ["保健センター"],
    "child-development-support": ["児童発達支援", "児童発達支援センター"],
}


def seed(apps, schema_editor):
    Category = apps.get_model("facilities", "Category")
    CategoryLabel = apps.get_model("facilities", "CategoryLabel")
    categories = {c.slug: c for c in Category.objects.filter(slug__in=LABELS)}
    for slug, labels in LABELS.items():
        if slug not in categories:
            continue
        for label in labels:
            CategoryLabel.objects.get_or_create(
                label_normalized=normalize(label), defaults={"label": label, "category": categories[slug]}
            )


def unseed(apps, schema_editor):
    CategoryLabel = apps.get_model("facilities", "CategoryLabel")
    CategoryLabel.objects.filter(
        label_normalized__in=[normalize(x) for v in LABELS.values() for x in v]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("facilities", "0012_import_open_data_fields")]

    operations = [migrations.RunPython(seed, unseed)]
