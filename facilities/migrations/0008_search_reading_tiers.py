"""Search results ranked tier by tier (facilities.search.SearchResults).

``search_name`` held "name\\nreading"; it becomes the name alone and ``search_reading`` the reading,
both in code-point order (collation "C" on PostgreSQL), with partial b-tree indexes over what parents
see: the reading index is the 五十音 order of results and, with the name index, answers exact and
prefix matches. A larger statistics sample on the search columns keeps the planner's estimates close
for words of every frequency (the default 100 misjudged rare words by a factor of 30 at 100,000 rows).
"""

import facilities.fields
from django.db import migrations, models

VISIBLE = models.Q(("published", True), models.Q(("status", "ended"), _negated=True))
STATISTICS_TARGET = 1000


def split_name_and_reading(apps, schema_editor):
    Service = apps.get_model("facilities", "Service")
    batch = []
    for service in Service.objects.only("search_name").iterator(chunk_size=2000):
        service.search_name, _, service.search_reading = service.search_name.partition("\n")
        batch.append(service)
        if len(batch) == 2000:
            Service.objects.bulk_update(batch, ["search_name", "search_reading"])
            batch = []
    Service.objects.bulk_update(batch, ["search_name", "search_reading"])


def join_name_and_reading(apps, schema_editor):
    Service = apps.get_model("facilities", "Service")
    Service.objects.update(
        search_name=models.functions.Concat("search_name", models.Value("\n"), "search_reading")
    )


def larger_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in ("search_name", "search_reading", "search_grams"):
        schema_editor.execute(
            f"ALTER TABLE facilities_service ALTER COLUMN {column} SET STATISTICS {STATISTICS_TARGET}"
        )


class Migration(migrations.Migration):
    dependencies = [("facilities", "0007_search_grams_array")]

    operations = [
        migrations.AddField(
            model_name="service",
            name="search_reading",
            field=facilities.fields.CodePointTextField(default="", editable=False),
        ),
        migrations.AlterField(
            model_name="service",
            name="search_name",
            field=facilities.fields.CodePointTextField(default="", editable=False),
        ),
        migrations.RunPython(split_name_and_reading, join_name_and_reading),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(
                condition=VISIBLE, fields=["search_reading", "id"], name="service_visible_reading"
            ),
        ),
        migrations.AddIndex(
            model_name="service",
            index=models.Index(condition=VISIBLE, fields=["search_name"], name="service_visible_name"),
        ),
        migrations.RunPython(larger_statistics, migrations.RunPython.noop),
    ]
