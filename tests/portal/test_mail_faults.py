"""Delivery semantics of the mailer under the faults docs/celery.md names, each injected into a REAL
Celery worker (a separate prefork process on the real Redis and PostgreSQL): worker children killed
with SIGKILL, PostgreSQL connections terminated while sending, the whole worker killed, and Redis
unreachable when bookings are made. Every test counts the mails that reached the mail backend by
their ``Message-ID``: none may be lost; a duplicate is only possible when a child dies between the
send and recording it, and then carries the same ``Message-ID``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from facilities.bookings import services
from facilities.bookings.tasks import send_booking_notice, send_due_notices
from portal.models import OutgoingMail
from tests.bookings.factories import BookingFactory, ChildFactory, SessionFactory
from tests.conftest import _forget_result_backend, require_service, switch_broker

pytestmark = pytest.mark.django_db(transaction=True)

NOTICES = 40
# The worker process gets short timeouts so a test sees a dead sender's claim go stale in seconds.
CLAIM_TIMEOUT_SECONDS = 2
VISIBILITY_TIMEOUT_SECONDS = 8


@pytest.fixture
def broker(redis_url):
    """This process enqueues to the real Redis; the queue starts empty."""
    from portal.celery import app

    require_service(connection.vendor == "postgresql", "a worker process needs the PostgreSQL test database")
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=redis_url, task_always_eager=False)
    _forget_result_backend(app)
    app.control.purge()
    yield app
    # A killed worker leaves messages in Redis' unacked set, to come back to a later test's worker.
    app.control.purge()
    redis.Redis.from_url(redis_url).delete("unacked", "unacked_index")
    app.conf.update(saved)
    _forget_result_backend(app)


class Worker:
    """``celery worker`` as a child process, in its own process group so it can be killed whole."""

    def __init__(self, redis_url: str, outbox: Path) -> None:
        db = settings.DATABASES["default"]
        url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": f"filemail:///{outbox}",
            "MAIL_CLAIM_TIMEOUT": str(CLAIM_TIMEOUT_SECONDS),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_SECONDS),
            "LOG_LEVEL": "WARNING",
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=prefork"]
        command += ["--concurrency=2", "--without-mingle", "--without-gossip", "-l", "warning"]
        self.process = subprocess.Popen(command, env=self.env, start_new_session=True)

    def children(self) -> list[int]:
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True)
        return [int(pid) for pid in found.stdout.split()]

    def kill_all(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill_all()


@pytest.fixture
def outbox(tmp_path) -> Path:
    return tmp_path


@pytest.fixture
def worker(redis_url, outbox):
    worker = Worker(redis_url, outbox)
    yield worker
    worker.stop()


def _sent() -> int:
    return OutgoingMail.objects.filter(message="bookings/confirmation", sent_at__isnull=False).count()


def _wait_until_sent(count: int, timeout: float, during=None) -> None:
    deadline = time.monotonic() + timeout
    while _sent() < count:
        assert time.monotonic() < deadline, f"{_sent()} of {count} sent"
        if during:
            during()
        time.sleep(0.1)


def _delivered(outbox: Path) -> Counter:
    """Mails that reached the backend, counted by Message-ID."""
    ids = Counter()
    for path in outbox.glob("*.log"):
        for line in path.read_text().splitlines():
            if line.lower().startswith("message-id:"):
                ids[line.split(":", 1)[1].strip()] += 1
    return ids


def _report(name: str, delivered: Counter, faults: int) -> tuple[int, int]:
    lost = NOTICES - len(delivered)
    duplicated = sum(n - 1 for n in delivered.values())
    print(f"\n[{name}] {NOTICES} notices, {faults} faults: lost {lost}, duplicated {duplicated}")
    return lost, duplicated


def _enqueue_notices() -> list[int]:
    bookings = [BookingFactory().pk for _ in range(NOTICES)]
    for pk in bookings:
        send_booking_notice.delay(pk, "confirmation")
    return bookings


def test_worker_children_killed_while_sending_lose_nothing(broker, worker, outbox):
    _enqueue_notices()
    worker.start()
    kills = []

    def kill_a_child() -> None:
        children = worker.children()
        if children and len(kills) < 10 and _sent() >= 3 * len(kills) + 1:
            os.kill(children[0], signal.SIGKILL)
            kills.append(children[0])

    _wait_until_sent(NOTICES, timeout=120, during=kill_a_child)
    lost, duplicated = _report("child kill -9", _delivered(outbox), len(kills))
    assert kills and lost == 0
    # A duplicate needs a child to die inside the few milliseconds between the send and its record.
    assert duplicated <= len(kills)


def test_postgresql_connections_terminated_while_sending_lose_and_double_nothing(broker, worker, outbox):
    _enqueue_notices()
    worker.start()
    terminated = []

    def terminate_the_workers_connections() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            terminated.extend(row[0] for row in cursor.fetchall() if row[0])

    _wait_until_sent(NOTICES, timeout=180, during=terminate_the_workers_connections)
    lost, duplicated = _report("terminated PostgreSQL connections", _delivered(outbox), len(terminated))
    assert terminated and lost == 0 and duplicated == 0


def test_a_whole_worker_killed_is_made_good_by_the_next_worker_and_the_sweep(broker, worker, outbox):
    _enqueue_notices()
    worker.start()
    _wait_until_sent(NOTICES // 4, timeout=60)
    worker.kill_all()
    assert _sent() < NOTICES, "the kill came too late to test anything"
    worker.start()
    # The unacked messages come back after the visibility timeout, at kombu's next restore scan (up
    # to ~100 s later); the beat's sweep, run here at once, does not wait for them.
    send_due_notices.delay()
    _wait_until_sent(NOTICES, timeout=120)
    lost, duplicated = _report("whole-worker kill -9", _delivered(outbox), 1)
    assert lost == 0 and duplicated <= 2  # at most the two mails being sent at the kill


def test_redis_down_does_not_block_a_booking_and_the_sweep_delivers(broker, worker, outbox, redis_url):
    children = [ChildFactory() for _ in range(NOTICES)]
    sessions = [SessionFactory() for _ in range(NOTICES)]
    switch_broker(broker, "redis://127.0.0.1:1/0")  # nothing listens there: Redis is down
    started = time.perf_counter()
    for child, session in zip(children, sessions, strict=True):
        services.booking_create(session=session, parent=child.parent, child=child)
    per_booking = (time.perf_counter() - started) / NOTICES
    print(f"\n[Redis down] {per_booking * 1000:.0f} ms per booking")
    assert per_booking < 0.3
    assert _sent() == 0
    switch_broker(broker, redis_url)  # Redis is back; the beat's next sweep finds every notice due
    worker.start()
    send_due_notices.delay()
    _wait_until_sent(NOTICES, timeout=60)
    lost, duplicated = _report("Redis down", _delivered(outbox), NOTICES)
    assert lost == 0 and duplicated == 0
