"""Where to go after a form: the ``next`` parameter, only when it is a page of this portal."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest) -> str:
    """``next`` from POST or GET if it is a path on this host, else "".

    Only paths: ``redirect()`` treats anything without a slash (``-5``, ``list``) as a view name and
    raises, which after a save would answer 500 and invite a duplicate on retry.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if not target.startswith("/"):
        return ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""
