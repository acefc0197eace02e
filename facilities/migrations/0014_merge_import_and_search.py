# Joins the importer's migrations (0012–0013) with search's (0011–0013).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('facilities', '0013_merge_search_keywords_and_english'),
        ('facilities', '0013_seed_category_labels'),
    ]

    operations = [
    ]
