"""Tasks of 一括登録 and of search reindexing: thin wrappers that take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from facilities import import_batches, search


@shared_task(autoretry_for=(OperationalError,), retry_backoff=2, max_retries=5)
def import_check(batch_id: int) -> None:
    import_batches.batch_check(batch_id=batch_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=2, max_retries=5)
def import_apply(batch_id: int) -> None:
    import_batches.batch_import(batch_id=batch_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=2, max_retries=5)
def reindex_renamed_services(kind: str, pk: int) -> None:
    """Idempotent: recomputes from what the database holds when it runs."""
    search.reindex_services(search.services_naming(kind=kind, pk=pk))
