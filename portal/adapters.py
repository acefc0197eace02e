from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language

from portal import mail


class AccountAdapter(DefaultAccountAdapter):
    """New accounts made through sign-up are parents (保護者); staff accounts are made by the city.

    Account mail (address confirmation, password reset) names the portal as every other mail does,
    not the host the request came to (「127.0.0.1:8101 です!」).
    """

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.language = (get_language() or "ja")[:2]
        if commit:
            user.save()
        return user

    def format_email_subject(self, subject: str) -> str:
        return f"[{mail.portal_name()}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = SimpleNamespace(name=mail.portal_name(), domain=urlsplit(settings.PORTAL_URL).netloc)
        super().send_mail(
            template_prefix, email, {"current_site": site, "portal_url": mail.absolute_url("/"), **context}
        )

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
