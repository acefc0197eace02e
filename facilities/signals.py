"""Signals the directory owns (施設・サービス). See docs/architecture.md for who listens."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by facilities.models when a renamed サービス種別 or 所在地 names more services than a request
# should reindex; ``kind`` is "category" or "location", ``pk`` the renamed row. The models do not import
# the tasks (which import the importer, which imports the models): facilities.receivers enqueues.
services_renamed = Signal()
