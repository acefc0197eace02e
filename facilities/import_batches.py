"""一括登録の受付: an uploaded file as an ImportBatch, checked and imported by Celery tasks.

The database says where a batch is (``ImportBatch.status``); each step claims the batch by moving it
from the status it expects, so a task delivered twice does nothing the second time. Progress lives in
the cache while a step runs (the import's own transaction hides its rows from other connections).
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import OperationalError, transaction
from django.utils import timezone

from facilities import importing
from facilities.models import CategoryLabel, ImportBatch
from facilities.text import normalize
from portal.models import User

logger = logging.getLogger(__name__)

# How long a step's progress stays in the cache after its last update.
PROGRESS_SECONDS = 60 * 60


def _progress_key(batch_id: int) -> str:
    return f"facilities:import-progress:{batch_id}"


def batch_progress(batch: ImportBatch) -> tuple[int, int]:
    """(rows done, rows in the file) of the running step."""
    done, total = cache.get(_progress_key(batch.pk), (0, batch.total_rows))
    return done, total or batch.total_rows


def _reporter(batch_id: int) -> importing.running.Progress:
    def report(done: int, total: int) -> None:
        cache.set(_progress_key(batch_id), (done, total), PROGRESS_SECONDS)

    return report


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
    from facilities.tasks import import_check

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


def batch_check(*, batch_id: int) -> None:
    """確認 (task body): read every row, write nothing, keep the report for the preview."""
    batch = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.CHECKING).first()
    if batch is None:
        return
    try:
        report = importing.check_file(
            data=bytes(batch.data),
            filename=batch.filename,
            mapping=batch.mapping,
            progress=_reporter(batch_id),
        )
    except importing.FileProblem as problem:
        _finish(batch_id, ImportBatch.Status.FAILED, problem=problem)
        return
    except OperationalError:
        raise  # the database was away: the task retries
    except Exception:
        # The clerk gets a message, never a traceback; the traceback goes to the log.
        logger.exception("import batch %s: the check failed", batch_id)
        _finish(batch_id, ImportBatch.Status.FAILED, problem=importing.FileProblem("unexpected"))
        return
    _finish(batch_id, ImportBatch.Status.PREVIEW, report=report)


@transaction.atomic
def batch_confirm(*, batch: ImportBatch) -> bool:
    """The clerk's one button: claim a preview with nothing held for the import task."""
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, status=ImportBatch.Status.PREVIEW, report__counts__hold=0
    ).update(status=ImportBatch.Status.IMPORTING)
    if claimed:
        from facilities.tasks import import_apply

        transaction.on_commit(lambda: import_apply.delay(batch.pk))
    return bool(claimed)


def batch_import(*, batch_id: int) -> None:
    """登録 (task body): the whole file in one transaction, the batch marked done in the same one."""
    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(of=("self",))
            .select_related("created_by")
            .filter(pk=batch_id, status=ImportBatch.Status.IMPORTING)
            .first()
        )
        if batch is None:
            return
        try:
            report = importing.import_file(
                data=bytes(batch.data),
                filename=batch.filename,
                by=batch.created_by,
                mapping=batch.mapping,
                progress=_reporter(batch_id),
            )
        except importing.ImportRefused as refused:
            # The directory changed since the preview and rows are now held: back to the preview.
            report, status = refused.args[0], ImportBatch.Status.PREVIEW
        except importing.FileProblem as problem:
            report, status = None, ImportBatch.Status.FAILED
            batch.message, batch.report["problem"] = problem.code, problem.params
        except OperationalError:
            raise
        except Exception:
            logger.exception("import batch %s: the import failed and was rolled back", batch_id)
            report, status = None, ImportBatch.Status.FAILED
            batch.message = "unexpected"
        else:
            status = ImportBatch.Status.DONE
            batch.data = b""  # imported: the report stays, the file (up to 20 MB) is not kept
        batch.status, batch.finished_at = status, timezone.now()
        if report is not None:
            batch.report = {"header": batch.report.get("header", []), **report.as_dict()}
        batch.save(update_fields=["status", "finished_at", "report", "message", "data"])


def _finish(
    batch_id: int,
    status: str,
    *,
    report: importing.Report | None = None,
    problem: importing.FileProblem | None = None,
) -> None:
    """End the check step, unless the batch moved on meanwhile (a second delivery of the task)."""
    batch = ImportBatch.objects.get(pk=batch_id)
    header = {"header": batch.report.get("header", [])}
    values = {"status": status, "message": problem.code if problem else "", "finished_at": timezone.now()}
    if report is not None:
        values["report"] = {**header, **report.as_dict()}
    if problem is not None:
        values["report"] = {**header, "problem": problem.params}
    ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.CHECKING).update(**values)
