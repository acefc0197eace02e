from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from facilities import importing
from portal.models import Role, User


class Command(BaseCommand):
    help = (
        "Import a facility list (子育て施設一覧 in either standard layout, .csv or .xlsx) into the directory: "
        "all rows or none. --dry-run prints what would happen and writes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and report only")
        parser.add_argument(
            "--user",
            default="",
            help="e-mail of the city staff account the import is done as (hub change requests name it); "
            "default: the first city staff account",
        )

    def handle(self, *args, path: Path, dry_run: bool, user: str, **options) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > importing.MAX_BYTES:
            raise CommandError(importing.FILE_PROBLEMS["too_big"])
        data = path.read_bytes()
        try:
            table = importing.read_table(data, path.name)
            mapping = importing.mapping_for(table.header)
            if mapping is None:
                raise CommandError(
                    "the columns are not a 子育て施設一覧 layout and no column mapping was saved for this header: "
                    "map the columns once on the staff page (一括登録)"
                )
            if dry_run:
                report = importing.check_file(data=data, filename=path.name, mapping=mapping)
            else:
                report = importing.import_file(
                    data=data, filename=path.name, by=self._user(user), mapping=mapping
                )
        except importing.FileProblem as problem:
            raise CommandError(problem.message) from None
        except importing.ImportRefused as refused:
            self._print(refused.args[0])
            raise CommandError(f"{refused.args[0].counts['hold']} rows held; nothing was imported") from None
        self._print(report)
        if dry_run and not report.ok:
            raise CommandError(f"{report.counts['hold']} rows held; an import would be refused")

    def _print(self, report: importing.Report) -> None:
        lines = list(report.lines())
        self.stdout.write(self.style.SUCCESS(lines[0]) if report.ok else lines[0])
        for line in lines[1:]:
            self.stdout.write(line)

    @staticmethod
    def _user(email: str) -> User:
        staff = User.objects.filter(role=Role.CITY_STAFF, is_active=True).order_by("pk")
        found = staff.filter(email=email).first() if email else staff.first()
        if found is None:
            raise CommandError("no active city staff account to import as (see --user)")
        return found
