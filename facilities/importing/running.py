"""Running a file: the preview (check_file, nothing written) and the import (import_file, one
transaction), through the same planner, and the writer of planned rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from facilities.importing.files import Table, read_table
from facilities.importing.layouts import mapping_for
from facilities.importing.planning import _Planned, _Planner
from facilities.importing.report import REPORT_LIMIT, Report
from facilities.importing.signals import hub_schedule_imported
from facilities.models import (
    Location,
    Organization,
    Service,
    WeeklyHours,
)
from facilities.search_data import set_search_data
from facilities.text import reading_of


class ImportRefused(Exception):
    """Rows are held: the import writes nothing until they are resolved."""


# --- running a file --------------------------------------------------------------------------------------

Progress = Callable[[int, int], None]
PROGRESS_EVERY = 250


def _run(
    table: Table,
    mapping: dict[str, str],
    *,
    write: Callable[[_Planned], None] | None,
    progress: Progress | None,
) -> Report:
    planner = _Planner(mapping)
    report = Report(rows=len(table.rows))
    report.ignored_columns = [c for c in table.header if not mapping.get(c)]
    for index, (number, cells) in enumerate(zip(table.numbers, table.rows, strict=True)):
        row = planner.read(number, cells, table.header)
        planned = planner.plan(row)
        report.counts[planned.action] += 1
        for bucket, items in (
            (report.held, row.held),
            (report.notes, row.notes),
            (report.changes, planned.changes),
        ):
            if len(bucket) < REPORT_LIMIT:
                bucket.extend(items[: REPORT_LIMIT - len(bucket)])
        writes = planned.write and planned.action in {"create", "update", "hub"}
        if write is not None and writes and not report.counts["hold"]:
            write(planned)
        if progress is not None and (index + 1) % PROGRESS_EVERY == 0:
            progress(index + 1, len(table.rows))
    report.unknown_categories = planner.unknown_categories
    if progress is not None:
        progress(len(table.rows), len(table.rows))
    return report


def check_file(
    *,
    data: bytes,
    filename: str = "",
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> Report:
    """確認: what importing the file would do, writing nothing. Raises FileProblem."""
    table = read_table(data, filename)
    return _run(table, mapping or mapping_for(table.header) or {}, write=None, progress=progress)


def import_file(
    *,
    data: bytes,
    filename: str = "",
    by: Any,
    mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> Report:
    """登録: the whole file in one transaction, or nothing (FileProblem, ImportRefused while held)."""
    table = read_table(data, filename)
    mapping = mapping or mapping_for(table.header) or {}
    writer = _Writer(by=by, filename=filename)
    with transaction.atomic():
        report = _run(table, mapping, write=writer.add, progress=progress)
        if report.ok:
            writer.flush()
        else:
            transaction.set_rollback(True)
            raise ImportRefused(report)
    return report


def _set_location_values(location: Location, values: dict[str, Any]) -> bool:
    """Apply a row's place values; whether anything changed."""
    changed = location.pk is None
    for field, value in values.items():
        if field == "area":
            if value.pk is None:
                value.save()  # the 未設定 district, made the first time a row needs it
            if location.area_id != value.pk:
                location.area, changed = value, True
        elif getattr(location, field) != value:
            setattr(location, field, value)
            changed = True
    return changed


def _set_service_values(service: Service, planned: _Planned) -> None:
    for field, value in planned.service_values.items():
        setattr(service, field, value)
    if planned.action != "hub":
        service.category = planned.category
        service.organization = planned.organization
        service.location = planned.location


def _save_organization_values(planned: _Planned) -> None:
    """What the file adds to an operator already known (its kind, its 法人番号)."""
    if planned.organization_values:
        for field, value in planned.organization_values.items():
            setattr(planned.organization, field, value)
        planned.organization.save(update_fields=list(planned.organization_values))


class _Writer:
    """Writes planned rows: a changed entry at once, new entries in batches of bulk inserts (a
    10,000-row file is a few hundred statements, not tens of thousands; see bench/import_bench.py)."""

    BATCH = 500

    def __init__(self, *, by: Any, filename: str) -> None:
        self.by, self.filename = by, filename
        self.pending: list[_Planned] = []

    def add(self, planned: _Planned) -> None:
        if planned.service is None:
            self.pending.append(planned)
            if len(self.pending) >= self.BATCH:
                self.flush()
        else:
            self._update(planned)

    def _update(self, planned: _Planned) -> None:
        if planned.organization is not None and planned.organization.pk is None:
            planned.organization.save()
        _save_organization_values(planned)
        if _set_location_values(planned.location, planned.location_values):
            planned.location.save()
        service = planned.service
        _set_service_values(service, planned)
        if planned.changes:
            service.save()
        if planned.periods is not None and planned.periods_changed:
            service.weekly_hours.all().delete()
            WeeklyHours.objects.bulk_create(
                WeeklyHours(service=service, weekday=d, opens_at=o, closes_at=c)
                for d, o, c in planned.periods
            )
        if planned.hub_periods is not None:
            hub_schedule_imported.send(
                sender=Service,
                service=service,
                periods=planned.hub_periods,
                by=self.by,
                note=str(_("一括登録（%(file)s）から") % {"file": self.filename}),
            )

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        new_organizations = {id(p.organization): p.organization for p in batch if p.organization.pk is None}
        Organization.objects.bulk_create(new_organizations.values())
        for planned in batch:
            _save_organization_values(planned)
        new_locations: dict[int, Location] = {}
        for planned in batch:
            if _set_location_values(planned.location, planned.location_values):
                if planned.location.pk is None:
                    new_locations[id(planned.location)] = planned.location
                else:
                    planned.location.save()
        Location.objects.bulk_create(new_locations.values())
        services = []
        for planned in batch:
            service = Service()
            _set_service_values(service, planned)
            # What Service.save() does, for a bulk insert that bypasses it.
            if not service.name_kana.strip():
                service.name_kana = reading_of(service.name)
            set_search_data(service)
            services.append(service)
        Service.objects.bulk_create(services)
        WeeklyHours.objects.bulk_create(
            (
                WeeklyHours(service=service, weekday=d, opens_at=o, closes_at=c)
                for service, planned in zip(services, batch, strict=True)
                for d, o, c in planned.periods or []
            ),
            batch_size=5000,
        )
