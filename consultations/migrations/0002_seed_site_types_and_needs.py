"""Seed the site types (類型) and the need taxonomy (ニーズ分類; names marked for translation, shown
through gettext by the models), and make the audit log append-only in
PostgreSQL as well (a trigger refuses UPDATE and DELETE, whatever code runs)."""

from __future__ import annotations

from django.db import migrations
from django.utils.translation import gettext_noop as _noop

SITE_TYPES = [
    # code, name, does regional cooperation (地域連携)
    ("basic", _noop("基本型"), True),
    ("specific", _noop("特定型"), False),
]

# The seed's three voices (夜間の預け先, 発達, 育児がしんどい) and the usual categories.
NEEDS = [
    ("childcare-place", _noop("預け先（一時預かり等）")),
    ("emergency-care", _noop("夜間・緊急時の預け先")),
    ("development", _noop("発達（落ち着きがない・ことば等）")),
    ("parenting-stress", _noop("育児不安・負担")),
    ("health", _noop("健康（子ども・保護者）")),
    ("daily-care", _noop("授乳・離乳食・生活リズム")),
    ("economic", _noop("経済的な困りごと")),
    ("nursery-admission", _noop("保育所等の入所")),
    ("pregnancy", _noop("妊娠・出産")),
    ("abuse-concern", _noop("DV・虐待の心配")),
    ("friends", _noop("仲間づくり・居場所")),
    ("school", _noop("就学・放課後")),
    ("other", _noop("その他")),
]

TRIGGER = """
CREATE OR REPLACE FUNCTION consultations_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'consultations_auditentry is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER consultations_auditentry_append_only
    BEFORE UPDATE OR DELETE ON consultations_auditentry
    FOR EACH ROW EXECUTE FUNCTION consultations_auditentry_append_only();
"""
DROP_TRIGGER = """
DROP TRIGGER IF EXISTS consultations_auditentry_append_only ON consultations_auditentry;
DROP FUNCTION IF EXISTS consultations_auditentry_append_only();
"""


def seed(apps, schema_editor) -> None:
    SiteType = apps.get_model("consultations", "SiteType")
    Need = apps.get_model("consultations", "Need")
    for order, (code, name, cooperation) in enumerate(SITE_TYPES):
        SiteType.objects.update_or_create(
            code=code, defaults={"name": name, "does_regional_cooperation": cooperation, "order": order}
        )
    for order, (code, name) in enumerate(NEEDS):
        Need.objects.update_or_create(code=code, defaults={"name": name, "order": order * 10})


def add_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER)


def drop_trigger(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
