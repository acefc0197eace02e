from __future__ import annotations

from django.contrib import admin

from facilities.bookings.models import Booking, Child, Session, SessionSeries


class ViewOnlyAdmin(admin.ModelAdmin):
    """Changes go through the services (row locks, waitlist promotion, mail), not the admin."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Session)
class SessionAdmin(ViewOnlyAdmin):
    list_display = ["__str__", "kind", "service", "capacity", "status", "specialist"]
    list_filter = ["kind", "status", "service__category"]
    search_fields = ["title", "service__name"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["service", "series", "specialist", "created_by"]


@admin.register(SessionSeries)
class SessionSeriesAdmin(ViewOnlyAdmin):
    list_display = ["__str__", "weekday", "start_time", "end_time"]
    raw_id_fields = ["service", "created_by"]


@admin.register(Booking)
class BookingAdmin(ViewOnlyAdmin):
    list_display = ["session", "who", "status", "attended", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["session", "parent", "child"]


@admin.register(Child)
class ChildAdmin(admin.ModelAdmin):
    list_display = ["nickname", "parent", "birth_date", "is_pregnancy", "due_date"]
    raw_id_fields = ["parent"]
