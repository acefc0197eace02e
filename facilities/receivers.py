"""Receivers of the directory's own signals, connected in FacilitiesConfig.ready()."""

from __future__ import annotations

from django.db import transaction

from facilities.tasks import reindex_renamed_services


def reindex_after_commit(*, kind: str, pk: int, **kwargs) -> None:
    """A large rename: its services' search data in a Celery task once the rename commits."""
    transaction.on_commit(lambda: reindex_renamed_services.delay(kind, pk))
