from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from facilities.models import Area
from portal.permissions import staff_required


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@staff_required
def staff_dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/staff_dashboard.html")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, also remembering the choice on the account (for mail)."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


def _redis_ok() -> bool | None:
    """None when the portal runs without Redis (first look); otherwise whether it answers."""
    if not settings.REDIS_URL:
        return None
    try:
        cache.set("healthz", "ok", timeout=5)
        return cache.get("healthz") == "ok"
    except Exception:
        return False


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database, redis = _database_ok(), _redis_ok()
    healthy = database and redis is not False
    body = {
        "status": "ok" if healthy else "error",
        "database": "ok" if database else "error",
        "redis": {None: "not configured", True: "ok", False: "error"}[redis],
    }
    return JsonResponse(body, status=200 if healthy else 503)


def ping(request: HttpRequest, area_id: int) -> JsonResponse:
    """The benchmarks' baseline (bench/): the full middleware stack and one primary-key look-up, no
    template, so search and service pages can be quoted as ratios against it."""
    area = get_object_or_404(Area.objects.only("code"), pk=area_id)
    return JsonResponse({"area": area.code})
