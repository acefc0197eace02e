from __future__ import annotations

from django.core.management.base import BaseCommand

from facilities.models import Service
from facilities.search_data import merge_pending_grams, reindex_services


class Command(BaseCommand):
    help = "Recompute every service's search data (after a release changes what is searched)."

    def handle(self, *args, **options) -> None:
        count = reindex_services(Service.objects.all())
        merge_pending_grams()
        self.stdout.write(f"reindexed {count} services\n")
