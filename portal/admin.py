from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.models import OutgoingMail, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("利用者"), {"fields": ["display_name", "role", "language", "is_active"]}),
        (_("日時"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """送信記録, read-only: the mailer alone writes it."""

    list_display = ["message", "about_type", "about_id", "occasion", "recipient", "claimed_at", "sent_at"]
    list_filter = ["message"]
    search_fields = ["recipient__email", "message"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
