from __future__ import annotations

from django import template

from facilities.bookings import selectors

register = template.Library()

DEFAULT_LIMIT = 10


@register.simple_tag(takes_context=True)
def upcoming_sessions_for(context, service) -> dict:
    """The next sessions of ``service`` with seats left, for the service page.

    ``session_limit`` in the context caps the list (default 10; 0 shows all); ``more`` says whether
    sessions were left out.
    """
    limit = context.get("session_limit", DEFAULT_LIMIT)
    sessions = list(selectors.upcoming_sessions(service, limit=limit + 1 if limit else None))
    more = bool(limit) and len(sessions) > limit
    for session in sessions:
        session.service = service  # display_title falls back to the service name: no query per session
    return {"sessions": sessions[:limit] if more else sessions, "more": more, "limit": limit}
