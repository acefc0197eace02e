from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language


class AccountAdapter(DefaultAccountAdapter):
    """New accounts made through sign-up are parents (保護者); staff accounts are made by the city."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.language = (get_language() or "ja")[:2]
        if commit:
            user.save()
        return user
