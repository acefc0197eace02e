# Links the English service fields (0011_service_english) to what was built on them.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('facilities', '0011_service_english'),
    ]

    operations = [
    ]
