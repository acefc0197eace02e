"""Service categories from DOMAIN.md (the seed document's programs). City staff may add more later."""

from django.db import migrations

# (slug, name, parent slug, order)
CATEGORIES = [
    ("hub", "地域子育て支援拠点", None, 10),
    ("popup-hub", "出張ひろば", None, 11),
    ("user-support", "利用者支援事業", None, 20),
    ("user-support-basic", "利用者支援事業（基本型）", "user-support", 21),
    ("user-support-specific", "利用者支援事業（特定型）", "user-support", 22),
    ("temporary-care", "一時預かり", None, 30),
    ("short-term-support", "子育て短期支援", None, 40),
    ("short-stay", "ショートステイ", "short-term-support", 41),
    ("twilight-stay", "トワイライトステイ", "short-term-support", 42),
    ("sick-child-care", "病児・病後児保育", None, 50),
    ("family-support", "ファミリー・サポート・センター", None, 60),
    ("early-childhood", "教育・保育施設", None, 70),
    ("nursery", "保育所", "early-childhood", 71),
    ("certified-kodomoen", "認定こども園", "early-childhood", 72),
    ("kindergarten", "幼稚園", "early-childhood", 73),
    ("small-nursery", "小規模保育", "early-childhood", 74),
    ("after-school-club", "放課後児童クラブ", None, 80),
    ("childrens-hall", "児童館", None, 90),
    ("health-center", "保健センター（健診・育児相談）", None, 100),
    ("disability-support", "障害児支援", None, 110),
    ("disability-consultation", "指定障害児相談支援事業所", "disability-support", 111),
    ("child-development-support", "児童発達支援", "disability-support", 112),
    ("parent-circle", "子育てサークル", None, 120),
    ("parenting-course", "子育て講座", None, 130),
]


def seed(apps, schema_editor):
    Category = apps.get_model("facilities", "Category")
    for slug, name, parent, order in CATEGORIES:
        Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "order": order,
                "parent": Category.objects.get(slug=parent) if parent else None,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
