from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    default = True
    name = "portal"
    verbose_name = _("ポータル")


class PortalAdminConfig(admin_apps.AdminConfig):
    """Django admin, open to city staff with MFA only (see PortalAdminSite)."""

    default = False
    default_site = "portal.admin_site.PortalAdminSite"
