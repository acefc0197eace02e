from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language


class AccountAdapter(DefaultAccountAdapter):
    """New accounts made through sign-up are parents (保護者); staff accounts are made by the city."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.language = (get_language() or "ja")[:2]
        if commit:
            user.save()
        return user

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The verification link keeps the sign-up's ``next`` (the page the person came from), so
        confirming from a mail app that opens another browser still returns them there."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        if request is None:  # mails sent outside a request (a task) carry no `next`
            return url
        next_url = request.POST.get("next") or request.GET.get("next")
        if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            url = f"{url}?{urlencode({'next': next_url})}"
        return url
