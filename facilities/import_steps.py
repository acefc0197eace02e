"""一括登録の手順: the check and import steps the Celery tasks run on an ImportBatch, and their progress.

Each step claims the batch by the status it expects (facilities.import_batches moved it there), so a
task delivered twice does nothing the second time. Progress lives in the cache while a step runs (the
import's own transaction hides its rows from other connections).
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import OperationalError, transaction
from django.utils import timezone

from facilities import importing
from facilities.models import ImportBatch

logger = logging.getLogger(__name__)

# How long a step's progress stays in the cache after its last update.
PROGRESS_SECONDS = 60 * 60


def _progress_key(batch_id: int) -> str:
    return f"facilities:import-progress:{batch_id}"


def batch_progress(batch: ImportBatch) -> tuple[int, int]:
    """(rows done, rows in the file) of the running step."""
    done, total = cache.get(_progress_key(batch.pk), (0, batch.total_rows))
    return done, total or batch.total_rows


def _reporter(batch_id: int):
    def report(done: int, total: int) -> None:
        cache.set(_progress_key(batch_id), (done, total), PROGRESS_SECONDS)

    return report


def _stored_file(batch: ImportBatch) -> dict:
    """The batch's file as the check and the import read it, their progress kept for the page."""
    return {
        "data": bytes(batch.data),
        "filename": batch.filename,
        "mapping": batch.mapping,
        "progress": _reporter(batch.pk),
    }


def batch_check(*, batch_id: int) -> None:
    """確認 (task body): read every row, write nothing, keep the report for the preview."""
    batch = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.CHECKING).first()
    if batch is None:
        return
    try:
        report = importing.check_file(**_stored_file(batch))
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
            report = importing.import_file(**_stored_file(batch), by=batch.created_by)
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
