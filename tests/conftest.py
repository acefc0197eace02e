"""Shared fixtures: personas per role, real-service guards, and test-wide settings."""

from __future__ import annotations

import os

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.cache import caches
from django.utils import timezone, translation

from portal.models import Role, User


def require_service(available: bool, why: str) -> None:
    """Skip a test whose real service is missing on a developer's machine; in CI that is a failure."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide this service: {why}")
    pytest.skip(why)


def pytest_collection_modifyitems(items) -> None:
    """Transactional tests restore the database they found, reference data included.

    Data migrations seed reference rows (categories, needs, situations …). A transactional test
    flushes every table when it ends; with serialized rollback the next one starts from the migrated
    state again instead of an empty database.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and marker.kwargs.get("transaction") and "serialized_rollback" not in marker.kwargs:
            item.add_marker(
                pytest.mark.django_db(*marker.args, **marker.kwargs, serialized_rollback=True), append=False
            )


@pytest.fixture(scope="session", autouse=True)
def _serialized_contents_on_every_connection(django_db_setup) -> None:
    """Let serialized rollback work after Playwright has started.

    Once Playwright's event loop runs in this thread, Django's connection handler hands out fresh
    connection objects (asgiref locals are per context), which lack the contents saved at test
    database creation; serialized rollback then silently restores nothing. Keeping the contents on
    the connection class makes every connection object see them.
    """
    from django.db import connections

    for alias in connections:
        contents = getattr(connections[alias], "_test_serialized_contents", None)
        if contents is not None:
            type(connections[alias])._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Personas are created per test; the default hasher makes each one cost a third of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _japanese_by_default():
    """Every test starts in Japanese, whatever language an earlier request switched to."""
    with translation.override("ja"):
        yield


@pytest.fixture
def clock(monkeypatch):
    """``clock(22, 30)``: pages see 22:30 today as the local time (urgent help depends on the hour).
    Only ``timezone.localtime()`` without a value is moved; ``timezone.now()`` stays real."""
    real = timezone.localtime

    def set_to(hour: int, minute: int = 0):
        now = real().replace(hour=hour, minute=minute, second=0, microsecond=0)

        def localtime(value=None, timezone=None):
            return real(now if value is None else value, timezone)

        monkeypatch.setattr("django.utils.timezone.localtime", localtime)
        return now

    return set_to


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    require_service(bool(url), "REDIS_URL is not set, so there is no real Redis to test against")
    return url


@pytest.fixture(autouse=True)
def _isolated_cache(settings) -> None:
    # Rate-limit counters and cached parts must not leak between tests (a LocMem cache's entries are
    # kept per process, whatever the settings object); the tests about Redis itself set it explicitly.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
    }
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def _celery_eager():
    """Tasks run in-process unless a test starts a real worker (see tests/portal/test_celery.py)."""
    from portal.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def make_user(email: str, role: str, *, mfa: bool | None = None, **extra) -> User:
    user = User.objects.create_user(email=email, password="test-pass-9876", role=role, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if mfa if mfa is not None else role != Role.PARENT:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        user.totp_secret = secret  # type: ignore[attr-defined]
    return user


@pytest.fixture
def parent(db) -> User:
    return make_user("parent@example.test", Role.PARENT, display_name="保護者 一郎")


@pytest.fixture
def other_parent(db) -> User:
    return make_user("parent2@example.test", Role.PARENT, display_name="保護者 二郎")


@pytest.fixture
def specialist(db) -> User:
    return make_user("specialist@example.test", Role.SPECIALIST)


@pytest.fixture
def hub_staff(db) -> User:
    return make_user("hubstaff@example.test", Role.HUB_STAFF)


@pytest.fixture
def city_staff(db) -> User:
    return make_user("city@example.test", Role.CITY_STAFF)


def switch_broker(app, url: str) -> None:
    """Point this process's producer at ``url``, dropping the connections it pooled for the old one."""
    import kombu.pools

    app.conf.broker_url = url
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


def _forget_result_backend(app) -> None:
    # The app caches its result backend (per thread and app-wide): an eager task run earlier left
    # the disabled one there, which would make ``.get()`` on a real worker's result fail.
    app._backend_cache = None
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def real_celery_worker(redis_url):
    """A real Celery worker (in a thread) consuming from the real Redis broker.

    Use with ``@pytest.mark.django_db(transaction=True)`` so the worker's connection sees the data.
    """
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun
    from django.db import connections

    from portal.celery import app

    def close_worker_connections(**_kwargs) -> None:
        # The worker thread's own connections; left open they block dropping the test database.
        connections.close_all()

    saved = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    _forget_result_backend(app)
    task_postrun.connect(close_worker_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
            yield worker
    finally:
        task_postrun.disconnect(close_worker_connections)
        app.conf.update(saved)
        _forget_result_backend(app)
