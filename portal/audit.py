"""One audit helper for every app (監査ログ): ``record`` writes an ``AuditEntry`` in the transaction of
the change it records, so the change and its entry commit or roll back together.

``get_or_refuse`` is the permission-scoped getter for personal data: an object outside the user's
scope answers 404 as before, and the attempt itself is recorded (who, what, when).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.http import Http404, HttpRequest

from portal.models import AuditEntry, User

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Origin:
    """Where a request came from, for the audit log (接続元)."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def of(cls, request: HttpRequest) -> Origin:
        return cls(
            ip=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )


SYSTEM = Origin(user_agent="system (scheduled task)")


def record(
    *,
    action: str,
    target: models.Model | None,
    by: User | None,
    data: dict[str, Any] | None = None,
    detail: str = "",
    place: object = "",
    origin: Origin = SYSTEM,
) -> AuditEntry:
    """Append one audit entry. ``by`` is None only for the system's own scheduled work."""
    return AuditEntry.objects.create(
        by=by,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        place=str(place or "")[:200],
        detail=str(detail)[:300],
        data=data or {},
        ip_address=origin.ip,
        user_agent=origin.user_agent,
    )


def get_or_refuse(queryset: models.QuerySet[M], *, request: HttpRequest, pk: int) -> M:
    """The object ``pk`` from the user's scoped ``queryset``, or 404.

    When the object exists but lies outside the scope (another site's case, another parent's
    booking), the refused attempt is recorded before answering 404, so city staff can see it.
    """
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        model = queryset.model
        if model._default_manager.filter(pk=pk).exists():
            record(
                action=AuditEntry.Action.REFUSED,
                target=model(pk=pk),
                by=request.user if request.user.is_authenticated else None,
                detail=request.path[:300],
                origin=Origin.of(request),
            )
        raise Http404 from None
