"""Search grams become a real text[] column on PostgreSQL (GIN on the column itself).

The expression index over string_to_array() of 0005 split a long string for every row the planner
visited and had no statistics, so estimates were off by orders of magnitude at 100,000 services; an
array column has element statistics and nothing to compute at query time. SQLite keeps the string.
"""

from django.db import migrations

import facilities.fields

INDEX = "facilities_service_search_grams_gin"


def to_array(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        "ALTER TABLE facilities_service ALTER COLUMN search_grams TYPE text[] "
        "USING string_to_array(search_grams, ' ')"
    )
    schema_editor.execute(f"CREATE INDEX {INDEX} ON facilities_service USING gin (search_grams)")


def to_text(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        "ALTER TABLE facilities_service ALTER COLUMN search_grams TYPE text USING array_to_string(search_grams, ' ')"
    )
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON facilities_service USING gin ((string_to_array(search_grams, ' ')))"
    )


class Migration(migrations.Migration):
    dependencies = [("facilities", "0006_seed_synonyms_and_situations")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="service",
                    name="search_grams",
                    field=facilities.fields.GramsField(default="", editable=False),
                )
            ],
            database_operations=[migrations.RunPython(to_array, to_text)],
        )
    ]
