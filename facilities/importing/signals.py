"""Signals of 一括登録, owned by the importer: what it tells other apps without importing them.

``hub_schedule_imported``: sent inside the import's transaction when a file gives a registered hub
(地域子育て支援拠点) a new weekly schedule that passes the hub rules. The importer never writes a
hub's schedule itself; the hub registry (``hubs.receivers``) turns the schedule into a change request
(変更の申し出) for city staff to decide. Arguments: ``service``, ``periods`` (weekday, opens, closes),
``by`` (the clerk), ``note`` (where the request came from, in the clerk's words).
"""

from __future__ import annotations

from django.dispatch import Signal

hub_schedule_imported = Signal()
