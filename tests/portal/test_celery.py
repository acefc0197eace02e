"""A real Celery worker against the real Redis broker runs a task end to end."""

from __future__ import annotations

import pytest

from portal.tasks import heartbeat


@pytest.mark.django_db(transaction=True)
def test_real_worker_executes_a_task_through_redis(real_celery_worker):
    assert heartbeat.delay().get(timeout=20) == "ok"
