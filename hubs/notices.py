"""拠点のお知らせ: the mails of the hub registry (monthly report reminders, a returned report, a decided
change) and the sweep that sends any whose on-commit enqueue was lost.

Its own module so the tasks (hubs.tasks) and the services that enqueue them on commit (hubs.services)
depend on it without depending on each other.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from hubs.models import Hub, HubChangeRequest, MonthlyReport
from hubs.selectors import overdue_reports
from portal import mail
from portal.dates import previous_month
from portal.models import Role, User


def _staff_users(hub: Hub):
    return User.objects.filter(hub_account__hub=hub, is_active=True)


def report_reminders_send(*, today: dt.date) -> int:
    """Remind hub staff of last month's missing report and give city staff the overdue list (毎月5日).

    Returns the number of mails sent; each goes once per hub, month and person (``OutgoingMail``).
    """
    month = previous_month(today)
    overdue = overdue_reports(until=month)

    def batch():
        for hub in {item.hub for item in overdue if item.month == month}:
            for user in _staff_users(hub):
                yield {
                    "message": "hubs/report_reminder",
                    "recipient": user,
                    "about": hub,
                    "occasion": f"{month:%Y-%m}",
                    "context": {"hub": hub, "month": month, "url": _url("hubs:report_list", hub.pk)},
                }
        if overdue:
            for user in User.objects.filter(role=Role.CITY_STAFF, is_active=True):
                yield {
                    "message": "hubs/overdue_list",
                    "recipient": user,
                    "occasion": f"{month:%Y-%m}",
                    "context": {"overdue": overdue, "month": month, "url": _url("hubs:city_overview")},
                }

    return mail.send_all(batch())


def _url(name: str, *args) -> str:
    return mail.absolute_url(reverse(name, args=args))


def report_returned_notify(*, report_id: int) -> int:
    """差し戻し: tell the hub's staff that the city returned their monthly report, with the comment."""
    report = MonthlyReport.objects.select_related("hub").get(pk=report_id)
    if report.status != MonthlyReport.Status.RETURNED:
        return 0  # resubmitted or accepted before the mail went out: nothing to tell any more
    return mail.send_all(
        {
            "message": "hubs/report_returned",
            "recipient": user,
            "about": report,
            "occasion": f"{report.reviewed_at:%Y%m%dT%H%M%S}",
            "context": {"report": report, "hub": report.hub, "url": _url("hubs:report_detail", report.pk)},
        }
        for user in _staff_users(report.hub)
    )


def change_decided_notify(*, change_id: int) -> int:
    """変更の申し出の結果: tell the hub staff member who proposed it whether it was taken or not."""
    change = HubChangeRequest.objects.select_related("hub", "proposed_by").get(pk=change_id)
    if change.status == HubChangeRequest.Status.PENDING or not change.proposed_by.is_active:
        return 0
    return int(
        mail.send(
            message="hubs/change_decided",
            recipient=change.proposed_by,
            about=change,
            context={"change": change, "hub": change.hub, "url": _url("hubs:detail", change.hub_id)},
        )
    )


# Returned reports and decided changes this recent are looked at by the sweep, in case the enqueue
# at the commit was lost (broker down); older ones were either sent or are no longer news.
NOTICE_SWEEP_WINDOW = dt.timedelta(days=7)


def notices_sweep(*, now: dt.datetime | None = None) -> int:
    """Send any notice of a returned report or a decided change that is still unsent."""
    since = (now or timezone.now()) - NOTICE_SWEEP_WINDOW
    returned = MonthlyReport.objects.filter(status=MonthlyReport.Status.RETURNED, reviewed_at__gte=since)
    decided = HubChangeRequest.objects.exclude(status=HubChangeRequest.Status.PENDING).filter(
        decided_at__gte=since
    )
    sent = sum(report_returned_notify(report_id=pk) for pk in returned.values_list("pk", flat=True))
    return sent + sum(change_decided_notify(change_id=pk) for pk in decided.values_list("pk", flat=True))
