"""GIN index on the search grams as a text array (PostgreSQL only; SQLite searches without it).

Locale independent, unlike pg_trgm (which skips kana and kanji under LC_CTYPE C and needs 3+
characters): 1- and 2-character query words use it too. See docs/search.md.
"""

from django.db import migrations

INDEX = "facilities_service_search_grams_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON facilities_service USING gin ((string_to_array(search_grams, ' ')))"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("facilities", "0004_search_and_situations")]
    operations = [migrations.RunPython(create_index, drop_index)]
