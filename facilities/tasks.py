"""Tasks of 一括登録: thin wrappers that take a batch id and call one service (facilities.import_steps)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from facilities import import_steps


@shared_task(autoretry_for=(OperationalError,), retry_backoff=2, max_retries=5)
def import_check(batch_id: int) -> None:
    import_steps.batch_check(batch_id=batch_id)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=2, max_retries=5)
def import_apply(batch_id: int) -> None:
    import_steps.batch_import(batch_id=batch_id)
