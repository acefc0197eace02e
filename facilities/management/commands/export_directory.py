from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from facilities import exporting
from portal.spreadsheets import write_csv


class Command(BaseCommand):
    help = (
        "Export the directory as a 子育て施設一覧 file (.csv UTF-8 with BOM, or .xlsx by the file's suffix), "
        "the layout import_directory reads; --public for the open-data file (what parents see)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--public", action="store_true", help="only published entries, standard columns")

    def handle(self, *args, path: Path, public: bool, **options) -> None:
        header, rows = exporting.export_header(public=public), exporting.export_rows(public=public)
        if path.suffix.lower() == ".xlsx":
            path.write_bytes(exporting.xlsx_bytes(header, rows))
            count = exporting.export_services(public=public).count()
        else:
            with path.open("w", encoding="utf-8", newline="") as out:
                count = write_csv(out, header, rows)
        self.stdout.write(self.style.SUCCESS(f"{count} services written to {path}"))
