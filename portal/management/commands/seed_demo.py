from __future__ import annotations

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app seeds its own part of the fictional city; order matters (accounts and the directory first).
# Every step is idempotent: it looks entries up by natural keys and creates only what is missing.
DEMO_STEPS = [
    "portal.demo",
    "facilities.demo",
    "hubs.demo",
    "facilities.bookings.demo",
    "consultations.demo",
]


class Command(BaseCommand):
    help = "Build the fictional demo city (みどり市). Running it twice changes nothing."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            for module in DEMO_STEPS:
                import_module(module).seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("demo data ready"))
