from __future__ import annotations

from django import template
from django.utils import timezone

from facilities.bookings import selectors

register = template.Library()

DEFAULT_LIMIT = 10


@register.simple_tag(takes_context=True)
def upcoming_sessions_for(context, service) -> dict:
    """The next sessions of ``service`` with seats left, for the service page.

    ``session_limit`` in the context caps the list (default 10; 0 shows all); ``more`` says whether
    sessions were left out. A ``changes_at`` list in the context gets the times the list would change.
    """
    limit = context.get("session_limit", DEFAULT_LIMIT)
    sessions = list(selectors.upcoming_sessions(service, limit=limit + 1 if limit else None))
    more = bool(limit) and len(sessions) > limit
    for session in sessions:
        session.service = service  # display_title falls back to the service name: no query per session
    changes_at = context.get("changes_at")
    if changes_at is not None:
        # The page caching this list (facilities.views.service_detail) renders it again when a listed
        # session starts (the next one moves up), opens for booking or stops taking bookings.
        now = timezone.now()
        changes_at += [t for s in sessions for t in (s.starts_at, s.opens_at, s.closes_at) if t > now]
    return {"sessions": sessions[:limit] if more else sessions, "more": more, "limit": limit}
