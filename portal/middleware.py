"""Request guards shared by every view, so each form and filter need not repeat them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

from portal.errors import error_page

# NUL cannot be stored in a PostgreSQL text column (the query fails with a 500) and no one types it.
# Lone surrogates need no check: Django decodes GET and POST with errors="replace", so an encoded
# one (%ED%A0%80) arrives as U+FFFD (tests/portal/test_bad_input.py).
NUL = "\x00"


def _unstorable(params: QueryDict) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in params.lists())


class RejectUnstorableInput:
    """Answer 400 (the portal's page, in the user's language) for GET or POST data holding NUL,
    before any view can save part of it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _unstorable(request.GET) or (request.method == "POST" and _unstorable(request.POST)):
            return error_page(request, 400)
        return self.get_response(request)


class MethodNotAllowedPage:
    """``require_http_methods`` answers 405 with an empty body; give people the portal's page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            page = error_page(request, 405)
            page["Allow"] = response["Allow"]
            return page
        return response
