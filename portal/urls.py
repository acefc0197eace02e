from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from portal import views

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("staff/", views.staff_dashboard, name="staff_dashboard"),
        path("account/", views.account, name="account"),
        path("account/delete/", views.account_delete_view, name="account_delete"),
        path("i18n/setlang/", views.set_language, name="set_language"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("healthz", views.healthz, name="healthz"),
    path("", include("facilities.urls")),
    path("ping/<int:area_id>", views.ping, name="ping"),
    path("bookings/", include("facilities.bookings.urls")),
    path("consultations/", include("consultations.urls")),
    path("hubs/", include("hubs.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

# The portal's own error pages: in its layout and language, with a way back (portal/errors.py).
handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
