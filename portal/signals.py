"""Signals of accounts (アカウント), owned by portal: what the end of an account asks of the apps that
keep the person's data, without portal importing them.

``account_closing``: sent by ``portal.services.account_delete`` inside its transaction, before the
account is deleted (sender ``User``, argument ``user``). A receiver releases what its app holds for
the person and may raise to refuse; the whole deletion then rolls back. Receivers: 予約
(``facilities.bookings.receivers``).
"""

from __future__ import annotations

from django.dispatch import Signal

account_closing = Signal()
