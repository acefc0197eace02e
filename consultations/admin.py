"""Admin for the program's configuration (site types, sites, specialists, needs).

Case records and the audit log are deliberately absent: cases are need-to-know (specialists use
the app's own pages) and the audit log must not be editable by anyone.
"""

from __future__ import annotations

from django.contrib import admin

from consultations.models import Need, SiteType, Specialist, UserSupportSite


@admin.register(SiteType)
class SiteTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "does_regional_cooperation", "order"]


class SpecialistInline(admin.TabularInline):
    model = Specialist
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(UserSupportSite)
class UserSupportSiteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "site_type", "hub_service"]
    list_select_related = ["service", "site_type", "hub_service"]
    raw_id_fields = ["service", "hub_service"]
    inlines = [SpecialistInline]


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
