"""Receivers of other apps' signals; connected in ``HubsConfig.ready``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver

from facilities.importing.signals import hub_schedule_imported
from facilities.models import Service
from hubs.services import hub_change_propose


@receiver(hub_schedule_imported, sender=Service)
def propose_imported_schedule(
    *, service: Service, periods: list[tuple[int, dt.time, dt.time]], by: Any, note: str, **kwargs
) -> None:
    """The file's schedule for a hub, as a change request (変更の申し出) for city staff to decide."""
    hub = service.hub
    data = {
        "description": service.description,
        "phone": service.phone,
        "email": service.email,
        "url": service.url,
        "hours": [[d, o.isoformat("minutes"), c.isoformat("minutes")] for d, o, c in periods],
        "staff": [[m.name, m.kind] for m in hub.staff.all()],
    }
    hub_change_propose(by=by, hub=hub, data=data, note=note)
