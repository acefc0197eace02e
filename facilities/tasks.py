"""Tasks of 一括登録 (facilities.import_steps) and of search reindexing: thin wrappers that take ids and
call one service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from facilities import import_steps
from facilities.models import Service
from facilities.search_data import reindex_services


@shared_task(autoretry_for=(OperationalError,), retry_backoff=2, max_retries=5)
def import_check(batch_id: int) -> None:
    import_steps.batch_check(batch_id=batch_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=2, max_retries=5)
def import_apply(batch_id: int) -> None:
    import_steps.batch_import(batch_id=batch_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=2, max_retries=5)
def reindex_renamed_services(kind: str, pk: int) -> None:
    """Idempotent: recomputes from what the database holds when it runs."""
    reindex_services(Service.objects.naming(kind=kind, pk=pk))
