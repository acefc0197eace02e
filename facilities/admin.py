from __future__ import annotations

from django.contrib import admin

from facilities.models import Area, Category, Location, Organization, Service, WeeklyHours


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "name_kana", "code", "order"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "order"]
    list_filter = ["parent"]
    search_fields = ["name", "slug"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "name_kana"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "address"]
    list_filter = ["area"]
    search_fields = ["name", "name_kana", "address"]


class WeeklyHoursInline(admin.TabularInline):
    model = WeeklyHours
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "organization", "status", "published", "last_checked"]
    list_filter = ["status", "published", "category", "location__area", "bookable_online"]
    search_fields = ["name", "name_kana", "description"]
    list_select_related = ["category", "organization"]
    autocomplete_fields = ["organization", "location", "category"]
    inlines = [WeeklyHoursInline]
