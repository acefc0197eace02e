from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from portal.models import Role
from portal.permissions import needs_mfa_setup


class PortalAdminSite(admin.AdminSite):
    """Admin for city staff (市職員) who have MFA. Signing in goes through allauth, which rate-limits."""

    site_header = _("子育て支援ポータル 管理")
    site_title = _("子育て支援ポータル 管理")
    index_title = _("管理メニュー")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.has_role(Role.CITY_STAFF) and not needs_mfa_setup(user))

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated and needs_mfa_setup(request.user):
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': next_url})}")
        if request.user.is_authenticated:
            # Signed in but not city staff: the admin is not theirs.
            return redirect(settings.LOGIN_REDIRECT_URL)
        return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
