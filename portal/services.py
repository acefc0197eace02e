"""State changes of accounts (アカウント)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.models import User
from portal.signals import account_closing


def account_delete(*, user: User) -> None:
    """退会: delete a parent's account as 個人情報保護法 expects (利用停止・消去).

    Upcoming bookings are cancelled first, so their seats go to the waitlist. Past bookings stay for
    the facilities' counts but no longer point at the person or the child (both done by 予約 on
    ``portal.signals.account_closing``). Then the account goes, and
    with it the child profiles, consultation requests, e-mail addresses and second factors. Case
    records a specialist keeps are the site's records: they only lose the link to the account.
    All or nothing."""
    if user.is_staff_role:
        raise ValidationError(_("職員のアカウントは市の担当者が削除します。"))
    with transaction.atomic():
        account_closing.send(sender=User, user=user)
        user.delete()
