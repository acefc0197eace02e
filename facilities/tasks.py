"""Tasks of 一括登録: thin wrappers that take a batch id and call one service (facilities.import_batches)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from facilities import import_batches


@shared_task(autoretry_for=(OperationalError,), retry_backoff=2, max_retries=5)
def import_check(batch_id: int) -> None:
    import_batches.batch_check(batch_id=batch_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=2, max_retries=5)
def import_apply(batch_id: int) -> None:
    import_batches.batch_import(batch_id=batch_id)
