from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from facilities.importing import import_services


class Command(BaseCommand):
    help = "Import a 子育て施設一覧 CSV (UTF-8 or CP932) into the directory: all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        report = import_services(data=path.read_bytes())
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"row {error.row}, {error.column}: {error.reason}")
            raise CommandError(f"{len(report.errors)} errors; nothing was imported")
        self.stdout.write(self.style.SUCCESS(f"{report.created} created, {report.updated} updated"))
