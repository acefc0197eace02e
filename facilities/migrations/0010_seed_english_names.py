"""English for the seeded 種別 and こんなときは, and English words parents use for them.

English-speaking parents read these names (the English UI shows ``name_en`` / ``title_en``) and type
them: ``temporary childcare`` and ``health center`` must find the Japanese entries. Only blank English
fields are filled, so a name city staff already wrote is kept.
"""

from django.db import migrations

from facilities.text import normalize, reading_of

# slug → English name of the seeded category (0002).
CATEGORY_NAMES = {
    "hub": "Local childcare support hub",
    "popup-hub": "Pop-up parent and child plaza",
    "user-support": "Childcare consultation (user support)",
    "user-support-basic": "Childcare consultation (basic type)",
    "user-support-specific": "Childcare consultation (city counter)",
    "temporary-care": "Temporary childcare",
    "short-term-support": "Short-term childcare support",
    "short-stay": "Short stay (overnight childcare)",
    "twilight-stay": "Twilight stay (evening childcare)",
    "sick-child-care": "Sick child care",
    "family-support": "Family Support Center",
    "early-childhood": "Early childhood education and care",
    "nursery": "Nursery (daycare)",
    "certified-kodomoen": "Certified center for early childhood education and care",
    "kindergarten": "Kindergarten",
    "small-nursery": "Small nursery",
    "after-school-club": "After-school club",
    "childrens-hall": "Children's center",
    "health-center": "Health center (checkups and parenting advice)",
    "disability-support": "Support for children with disabilities",
    "disability-consultation": "Consultation office for children with disabilities",
    "child-development-support": "Child development support",
    "parent-circle": "Parent circle",
    "parenting-course": "Parenting course",
}

# slug → (title_en, words_en) of the seeded situation (0006).
SITUATIONS = {
    "night-emergency": (
        "I need someone to look after my child at night or at short notice",
        "It is already the middle of the night, but I have to take my parent to hospital. "
        "Please look after my child…",
    ),
    "development": (
        "I am worried about my child's development",
        "My child seems more restless than other children…",
    ),
    "exhausted": (
        "Raising my child is exhausting",
        "Lately, raising my child feels too hard…",
    ),
    "refresh": (
        "I want a short break while someone looks after my child",
        "If only someone could watch my child while I go to the doctor or the hairdresser…",
    ),
    "sick-child": (
        "My child is sick but I cannot take time off work",
        "The fever is going down, but my child still cannot go to nursery. What do I do tomorrow…",
    ),
    "make-friends": (
        "I want a place to play with my child and people to talk to",
        "We just moved here and I do not know anyone around…",
    ),
    "pregnant": (
        "I am pregnant and worried about birth and raising a child",
        "It is my first birth and I do not know what to prepare…",
    ),
    "back-to-work": (
        "I am going back to work and need a nursery",
        "I go back to work next year, but where can my child go?",
    ),
    "after-school": (
        "I need a place for my schoolchild after school",
        "Once my child starts elementary school, what about after school…",
    ),
    "baby-food": (
        "I have questions about baby food or checkups",
        "Weaning is not going well and I am worried…",
    ),
    "dads": (
        "Dads want other parents to talk to as well",
        "Is there a place where dads can talk with each other?",
    ),
    "helping-hand": (
        "I need a helping hand, such as taking my child to and from places",
        "If only someone could take care of my baby while I take my older child to school…",
    ),
    "where-to-ask": (
        "I do not know where to ask for help",
        "I do not even know what to use or whom to ask…",
    ),
}

# English words parents type → the Japanese word the directory uses. One word each: a query is split
# on spaces, and two-word names (temporary childcare) meet the categories' English names word by word.
SYNONYMS = [
    ("babysitting", "一時預かり"),
    ("babysitter", "一時預かり"),
    ("respite", "一時預かり"),
    ("daycare", "保育所"),
    ("preschool", "教育・保育施設"),
    ("playgroup", "地域子育て支援拠点"),
    ("playroom", "地域子育て支援拠点"),
    ("overnight", "ショートステイ"),
    ("sick", "病児・病後児保育"),
    ("checkup", "健診"),
    ("checkups", "健診"),
    ("pregnant", "妊娠"),
    ("pregnancy", "妊娠"),
    ("midwife", "助産師"),
    ("nurse", "保健師"),
    ("afterschool", "放課後児童クラブ"),
    ("development", "発達"),
    ("developmental", "発達"),
    ("autism", "発達"),
    ("adhd", "発達"),
    ("disability", "障害児"),
    ("consultation", "相談"),
    ("counseling", "相談"),
    ("counselling", "相談"),
    ("advice", "相談"),
    ("weaning", "離乳食"),
    ("dad", "パパ"),
    ("dads", "パパ"),
    ("father", "パパ"),
    ("twins", "双子"),
    ("massage", "マッサージ"),
    ("emergency", "緊急"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("facilities", "Category")
    Situation = apps.get_model("facilities", "Situation")
    Synonym = apps.get_model("facilities", "Synonym")
    for slug, name_en in CATEGORY_NAMES.items():
        Category.objects.filter(slug=slug, name_en="").update(name_en=name_en)
    for slug, (title_en, words_en) in SITUATIONS.items():
        Situation.objects.filter(slug=slug, title_en="").update(title_en=title_en)
        Situation.objects.filter(slug=slug, words_en="").update(words_en=words_en)
    for term, expansion in SYNONYMS:
        Synonym.objects.get_or_create(
            term_normalized=normalize(term),
            expansion_normalized=normalize(expansion),
            defaults={
                "term": term,
                "expansion": expansion,
                "term_reading": normalize(reading_of(term)),
                "expansion_reading": normalize(reading_of(expansion)),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("facilities", "0009_english_names")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
