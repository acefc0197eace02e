from __future__ import annotations

from celery import shared_task
from django.db import connection


@shared_task
def heartbeat() -> str:
    """Proves the beat → broker → worker → database path end to end."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"
