from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language as django_set_language

from facilities.models import Area
from facilities.urgent import is_late
from portal.forms import AccountDeleteForm, AccountForm
from portal.permissions import parent_required, staff_required
from portal.services import account_delete


def home(request: HttpRequest) -> HttpResponse:
    """ホーム: a search box, the three ways in, and the situations; late at night the help lines."""
    return render(request, "portal/home.html", {"urgent": is_late(timezone.localtime())})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """アカウント: the name mails use, their language, reminder mails; the way to delete the account."""
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("設定を保存しました。"))
        return redirect("portal:account")
    return render(request, "portal/account.html", {"form": form})


@parent_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request: HttpRequest) -> HttpResponse:
    """退会: after the person types their address, cancel bookings and erase their personal data."""
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        messages.success(request, _("アカウントを削除しました。ご利用ありがとうございました。"))
        return redirect("portal:home")
    return render(request, "portal/account_delete.html", {"form": form})


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
def healthz(_request: HttpRequest) -> JsonResponse:
    database, redis = _database_ok(), _redis_ok()
    healthy = database and redis is not False
    body = {
        "status": "ok" if healthy else "error",
        "database": "ok" if database else "error",
        "redis": {None: "not configured", True: "ok", False: "error"}[redis],
    }
    return JsonResponse(body, status=200 if healthy else 503)


def ping(_request: HttpRequest, area_id: int) -> JsonResponse:
    """The benchmarks' baseline (bench/): the full middleware stack and one primary-key look-up, no
    template, so search and service pages can be quoted as ratios against it."""
    area = get_object_or_404(Area.objects.only("code"), pk=area_id)
    return JsonResponse({"area": area.code})
