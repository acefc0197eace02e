from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from facilities.importing import export_services_csv


class Command(BaseCommand):
    help = "Export the directory as a 子育て施設一覧 CSV (UTF-8 with BOM), the layout import_directory reads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        with path.open("w", encoding="utf-8", newline="") as out:
            count = export_services_csv(out)
        self.stdout.write(self.style.SUCCESS(f"{count} services written to {path}"))
