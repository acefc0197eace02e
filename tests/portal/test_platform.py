"""Settings, health check, Celery wiring, demo data and the production compose file."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from facilities.models import Service
from portal.models import User

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_check_is_clean_with_production_values(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # set for e2e only
        "DEBUG": "false",
        "SECRET_KEY": "x7#Kq2!vR9$mP4@wL8^zN3&bT6*yH1(cJ5)dF0-gS2+eA9=uQ4",
        "ALLOWED_HOSTS": "kosodate.example.jp",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_settings_are_japanese_first():
    assert settings.LANGUAGE_CODE == "ja"
    assert settings.TIME_ZONE == "Asia/Tokyo"
    assert [code for code, _ in settings.LANGUAGES] == ["ja", "en"]


@pytest.mark.django_db
def test_healthz_reports_database_and_redis(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    settings.CACHES = {"default": {"BACKEND": "portal.cache.PortalRedisCache", "LOCATION": redis_url}}
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_down(client, settings):
    dead = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.REDIS_URL = dead
    settings.CACHES = {"default": {"BACKEND": "portal.cache.PortalRedisCache", "LOCATION": dead}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "error"


def test_beat_schedule_names_only_registered_tasks():
    from portal.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_celery_uses_json_and_late_acks():
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_ACKS_LATE is True


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (User.objects.count(), Service.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert (User.objects.count(), Service.objects.count()) == counts
    assert counts[1] >= 20


def test_compose_runs_web_worker_beat_on_one_image_with_postgres_and_redis():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    app_services = [services[name] for name in ("web", "worker", "beat")]
    assert len({s["image"] for s in app_services}) == 1
    assert all(s["environment"] == app_services[0]["environment"] for s in app_services)
    assert all(s["env_file"] == app_services[0]["env_file"] for s in app_services)
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert all("healthcheck" in s for s in services.values())
    assert any("postgresql/data" in v for v in services["postgres"]["volumes"])
    assert app_services[0]["environment"]["DEBUG"] == "false"


def test_compose_sizes_postgres_for_the_directory():
    postgres = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["postgres"]
    words = postgres["command"].split()
    settings_given = dict(
        part.split("=", 1) for flag, part in zip(words, words[1:], strict=False) if flag == "-c"
    )
    assert {"shared_buffers", "effective_cache_size", "work_mem", "random_page_cost"} <= set(settings_given)
    assert settings_given["shared_buffers"].endswith("1GB}")  # a default, overridable per host


@pytest.mark.django_db
def test_home_tells_a_parent_what_the_portal_offers(client):
    response = client.get(reverse("portal:home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in body
    assert 'href="#main"' in body
    assert "さがす" in body and "予約する" in body and "相談する" in body


def test_the_workers_own_fragment_cache_is_bounded():
    from portal import settings as production

    assert production.CACHES["local"]["BACKEND"].endswith("LocMemCache")
    assert production.CACHES["local"]["OPTIONS"]["MAX_ENTRIES"] <= 1000


def test_the_redis_cache_keeps_one_client_and_works_on_real_redis(redis_url):
    from portal.cache import PortalRedisCache

    cache = PortalRedisCache(redis_url, {"KEY_PREFIX": f"test-client-{uuid.uuid4()}", "TIMEOUT": 60})
    client = cache._cache.get_client(write=True)
    cache.set("card", {"name": "ひろば <b>"})
    assert cache.get_many(["card", "missing"]) == {"card": {"name": "ひろば <b>"}}
    assert cache.add("card-version", 1)
    assert cache.incr("card-version") == 2
    # The same redis.Redis for every call (Django's own client builds one per call).
    assert cache._cache.get_client(write=True) is client
    assert cache._cache.get_client() is client
    cache.delete_many(["card", "card-version"])
