"""Production serves static files through WhiteNoise's manifest storage; every file must pass it
(the benchmark and the Docker image both run collectstatic with DEBUG off)."""

from __future__ import annotations

from django.core.management import call_command


def test_collectstatic_with_the_production_storage_succeeds(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
