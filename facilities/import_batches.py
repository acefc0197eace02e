"""一括登録の受付: an uploaded file as an ImportBatch, checked and imported by Celery tasks
(the steps they run are in facilities.import_steps).

The database says where a batch is (``ImportBatch.status``): each function here moves it to the status
the next step expects and enqueues that step once the transaction commits.
"""

from __future__ import annotations

from django.db import transaction

from facilities import importing
from facilities.models import CategoryLabel, ImportBatch
from facilities.tasks import import_apply, import_check
from facilities.text import normalize
from portal.models import User


def batch_create(*, by: User, filename: str, data: bytes) -> ImportBatch:
    """Take a file in: refused whole here if it cannot be read (FileProblem); otherwise checked in the
    background, or first sent to the column mapping step when its layout is not known."""
    table = importing.read_table(data, filename)
    mapping = importing.mapping_for(table.header)
    batch = ImportBatch.objects.create(
        created_by=by,
        filename=filename[:255],
        data=data,
        total_rows=len(table.rows),
        mapping=mapping or {},
        # The first rows' values help the clerk map an unknown layout's columns.
        report={"header": table.header, "sample": [[str(c)[:40] for c in row] for row in table.rows[:2]]},
        status=ImportBatch.Status.CHECKING if mapping else ImportBatch.Status.NEEDS_MAPPING,
    )
    if mapping:
        _enqueue_check(batch)
    return batch


def _enqueue_check(batch: ImportBatch) -> None:
    transaction.on_commit(lambda: import_check.delay(batch.pk))


@transaction.atomic
def batch_map_columns(*, batch: ImportBatch, mapping: dict[str, str]) -> ImportBatch:
    """The clerk's column mapping (列の対応): remembered for this header, then the file is checked."""
    importing.mapping_save(header=batch.report["header"], mapping=mapping)
    batch.mapping, batch.status = mapping, ImportBatch.Status.CHECKING
    batch.save(update_fields=["mapping", "status"])
    _enqueue_check(batch)
    return batch


@transaction.atomic
def batch_map_categories(*, batch: ImportBatch, choices: dict[str, int]) -> ImportBatch:
    """The clerk's choice for unknown 種別 values, kept in the 種別の読み替え table; then check again."""
    for label, category_id in choices.items():
        CategoryLabel.objects.update_or_create(
            label_normalized=normalize(label), defaults={"label": label, "category_id": category_id}
        )
    batch.status = ImportBatch.Status.CHECKING
    batch.save(update_fields=["status"])
    _enqueue_check(batch)
    return batch


@transaction.atomic
def batch_confirm(*, batch: ImportBatch) -> bool:
    """The clerk's one button: claim a preview with nothing held for the import task."""
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status=ImportBatch.Status.PREVIEW, report__counts__hold=0
    ).update(status=ImportBatch.Status.IMPORTING)
    if claimed:
        transaction.on_commit(lambda: import_apply.delay(batch.pk))
    return bool(claimed)
