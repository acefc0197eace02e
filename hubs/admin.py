"""City staff's admin of the registry. Saving a hub runs ``Hub.clean()`` (the 実施要綱 rules) against the
stored schedule and staff list; the registry pages check proposed hours and staff before saving."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hubs.models import (
    Hub,
    HubChangeRequest,
    HubStaffAccount,
    HubStaffMember,
    HubTransition,
    MonthlyReport,
    PopupPlaza,
)


class HubStaffMemberInline(admin.TabularInline):
    model = HubStaffMember
    extra = 0


class HubStaffAccountInline(admin.TabularInline):
    model = HubStaffAccount
    extra = 0
    autocomplete_fields = ["user"]


class HubTransitionInline(admin.TabularInline):
    model = HubTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "by", "at", "reason"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Hub)
class HubAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "hub_type", "place_kind", "status"]
    list_filter = ["hub_type", "status", "place_kind", "service__location__area"]
    search_fields = ["service__name", "service__name_kana"]
    list_select_related = ["service"]
    autocomplete_fields = ["service"]
    # Status changes go through the registry page so each one is logged with who and why.
    readonly_fields = ["status"]
    inlines = [HubStaffMemberInline, HubStaffAccountInline, HubTransitionInline]

    def has_add_permission(self, request) -> bool:
        # New hubs are registered on the registry page, which checks the proposed hours and staff
        # together; here the staff inline is saved only after the hub, so its rules could not hold.
        return False


@admin.register(PopupPlaza)
class PopupPlazaAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "hub"]
    list_select_related = ["service", "hub__service"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(SimpleHistoryAdmin):
    list_display = ["hub", "month", "status", "days_opened", "courses_held"]
    list_filter = ["status", "month"]
    list_select_related = ["hub__service"]


@admin.register(HubChangeRequest)
class HubChangeRequestAdmin(admin.ModelAdmin):
    list_display = ["hub", "proposed_by", "proposed_at", "status"]
    list_filter = ["status"]
    readonly_fields = ["data"]
