"""State changes of the hub registry (拠点の登録・変更・承認, 出張ひろば, 月次実績報告).

Every function is keyword-only, runs in one transaction and checks the 実施要綱 rules through the
models (``Hub.rule_errors`` / ``rules.popup_errors``) before anything is written, so a refused change
leaves nothing half-saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.models import Category, Location, Service, SpecialHours, WeeklyHours
from hubs import rules
from hubs.models import (
    Hub,
    HubChangeRequest,
    HubStaffMember,
    HubTransition,
    MonthlyReport,
    PopupPlaza,
    days_of,
    first_of_month,
)
from portal import audit, mail
from portal.models import AuditEntry, Role, User

StaffEntry = tuple[str, str]  # (name, HubStaffMember.Kind)


def _staff_counts(staff: Sequence[StaffEntry]) -> tuple[int, int]:
    qualified = sum(kind == HubStaffMember.Kind.QUALIFIED for _name, kind in staff)
    return qualified, len(staff) - qualified


def _check(hub: Hub, periods: Sequence[rules.Period], staff: Sequence[StaffEntry]) -> None:
    """Field checks of the directory entry and the hub, then the 実施要綱 rules; raise all at once."""
    errors: list[ValidationError] = []
    for instance, exclude in ((hub.service, ["organization", "location", "category"]), (hub, ["service"])):
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            for field, field_errors in error.error_dict.items():
                label = instance._meta.get_field(field).verbose_name
                errors.extend(
                    ValidationError(f"{label}: {m}", code="field")
                    for m in ValidationError(field_errors).messages
                )
    errors += hub.rule_errors(periods=periods, staff_counts=_staff_counts(staff))
    if errors:
        raise ValidationError(errors)


def _save_schedule_and_staff(hub: Hub, periods: Sequence[rules.Period], staff: Sequence[StaffEntry]) -> None:
    hub.service.weekly_hours.all().delete()
    WeeklyHours.objects.bulk_create(
        WeeklyHours(service=hub.service, weekday=p.weekday, opens_at=p.opens_at, closes_at=p.closes_at)
        for p in periods
    )
    current = {(m.name, m.kind): m for m in hub.staff.all()}
    wanted = set(staff)
    for key, member in current.items():
        if key not in wanted:
            member.delete()
    for name, kind in staff:
        if (name, kind) not in current:
            HubStaffMember.objects.create(hub=hub, name=name, kind=kind)


def _sync_publication(hub: Hub) -> None:
    """Only 承認 hubs (and their 出張ひろば) are shown to parents; 休止 shows as 休止中 to nobody, 廃止 ends."""
    published = hub.status == Hub.Status.APPROVED
    status = {
        Hub.Status.SUSPENDED: Service.Status.TEMPORARILY_CLOSED,
        Hub.Status.ABOLISHED: Service.Status.ENDED,
    }.get(hub.status, Service.Status.ACTIVE)
    Service.objects.filter(pk=hub.service_id).update(published=published, status=status)
    Service.objects.filter(popup_plaza__hub=hub).update(published=published, status=status)
    hub.service.published, hub.service.status = published, status


@transaction.atomic
def hub_register(
    *,
    by: User,
    service: Service,
    hub: Hub,
    periods: Sequence[rules.Period],
    staff: Sequence[StaffEntry],
) -> Hub:
    """Register a hub (拠点の登録): its directory entry (hidden until approved), schedule and staff.

    ``service`` and ``hub`` are unsaved; the service's organization and location may be unsaved too
    (a new operator or place), and are created here.
    """
    service.category = Category.objects.get(slug="hub")
    service.published = False
    hub.service = service
    hub.status = Hub.Status.APPLIED
    _check(hub, periods, staff)
    for related in (service.organization, service.location):
        if related.pk is None:
            related.full_clean()
            related.save()
    service.save()
    hub.service = service
    hub.save()
    _save_schedule_and_staff(hub, periods, staff)
    HubTransition.objects.create(hub=hub, from_status="", to_status=hub.status, by=by, reason=_("新規登録"))
    return hub


@transaction.atomic
def hub_update(
    *,
    by: User,
    hub: Hub,
    periods: Sequence[rules.Period],
    staff: Sequence[StaffEntry],
) -> Hub:
    """Change a hub and its directory entry together (拠点の変更); refused whole if a rule breaks."""
    _check(hub, periods, staff)
    for related in (hub.service.organization, hub.service.location):
        if related.pk is None:
            related.full_clean()
            related.save()
    hub.service.last_checked = timezone.localdate()
    hub.service.save()
    hub.save()
    _save_schedule_and_staff(hub, periods, staff)
    _sync_publication(hub)
    audit.record(
        action=AuditEntry.Action.UPDATE,
        target=hub,
        by=by,
        place=hub.name,
        detail=_("拠点の変更"),
        data={
            "hours": [[p.weekday, f"{p.opens_at:%H:%M}", f"{p.closes_at:%H:%M}"] for p in periods],
            "staff": [list(entry) for entry in staff],
        },
    )
    return hub


REASON_REQUIRED = {Hub.Status.SUSPENDED, Hub.Status.ABOLISHED, Hub.Status.APPLIED}


@transaction.atomic
def hub_transition(*, by: User, hub: Hub, to_status: str, reason: str = "") -> Hub:
    """Move a hub along its lifecycle (申請中 → 審査中 → 承認 → 休止 / 廃止), logging who, when and why."""
    hub = Hub.objects.select_for_update().select_related("service").get(pk=hub.pk)
    if to_status not in Hub.TRANSITIONS[hub.status]:
        raise ValidationError(
            _("「%(from)s」から「%(to)s」には変更できません。")
            % {"from": hub.get_status_display(), "to": Hub.Status(to_status).label},
            code="transition",
        )
    if to_status in REASON_REQUIRED and not reason.strip():
        raise ValidationError(_("この変更には理由を入れてください。"), code="reason_required")
    if to_status == Hub.Status.APPROVED:
        # Approval judges the whole record against the rules in force that day.
        errors = hub.rule_errors(recheck_all=True)
        if errors:
            raise ValidationError(errors)
    HubTransition.objects.create(
        hub=hub, from_status=hub.status, to_status=to_status, by=by, reason=reason.strip()
    )
    hub.status = to_status
    hub.save(update_fields=["status", "updated_at"])
    _sync_publication(hub)
    return hub


def _apply_proposal(hub: Hub, change: HubChangeRequest) -> tuple[list[rules.Period], list[StaffEntry]]:
    for field in ("description", "phone", "email", "url"):
        setattr(hub.service, field, change.data[field])
    return change.proposed_periods(), [(name, kind) for name, kind in change.data["staff"]]


@transaction.atomic
def hub_change_propose(*, by: User, hub: Hub, data: dict, note: str = "") -> HubChangeRequest:
    """Hub staff propose a change to their own hub (変更の申し出); checked against the rules now."""
    preview = Hub.objects.select_related("service").get(pk=hub.pk)
    periods, staff = _apply_proposal(preview, HubChangeRequest(hub=hub, data=data))
    _check(preview, periods, staff)
    return HubChangeRequest.objects.create(hub=hub, proposed_by=by, data=data, note=note)


@transaction.atomic
def hub_change_decide(
    *, by: User, change: HubChangeRequest, accept: bool, comment: str = ""
) -> HubChangeRequest:
    """City staff accept (反映) or decline (見送り) a proposal; accepting applies it through hub_update."""
    change = HubChangeRequest.objects.select_for_update().get(pk=change.pk)
    if change.status != HubChangeRequest.Status.PENDING:
        raise ValidationError(_("この申し出はすでに確認済みです。"), code="decided")
    if not accept and not comment.strip():
        raise ValidationError(_("見送る理由をコメントに入れてください。"), code="comment_required")
    if accept:
        hub = Hub.objects.select_related("service__organization", "service__location").get(pk=change.hub_id)
        periods, staff = _apply_proposal(hub, change)
        hub_update(by=by, hub=hub, periods=periods, staff=staff)
    change.status = HubChangeRequest.Status.ACCEPTED if accept else HubChangeRequest.Status.DECLINED
    change.decided_by, change.decided_at, change.comment = by, timezone.now(), comment.strip()
    change.save()
    from hubs.tasks import notify_change_decided  # tasks call these services

    mail.enqueue_on_commit(notify_change_decided, change.pk)
    return change


def _hub_popup_days(hub: Hub, *, exclude: SpecialHours | None = None) -> list[rules.PopupDay]:
    """Every 出張ひろば date of a hub (all its popups), but ``exclude``: the rules count per hub."""
    rows = SpecialHours.objects.filter(service__popup_plaza__hub=hub)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return days_of(rows)


# How far ahead 出張ひろば dates may be registered: a typed year like 2062 is refused, not published.
POPUP_HORIZON = dt.timedelta(days=366)


def _check_popup_days(
    hub: Hub, days: Sequence[rules.PopupDay], *, exclude: SpecialHours | None = None
) -> None:
    # Lock the hub so two registrations at once cannot each see room for one more date in a week.
    hub = Hub.objects.select_for_update().get(pk=hub.pk)
    errors = rules.popup_errors(
        hub_type=hub.hub_type,
        hub_has_popup_addon=hub.addon_popup,
        days=days,
        kept_days=_hub_popup_days(hub, exclude=exclude),
        today=timezone.localdate(),
    )
    horizon = timezone.localdate() + POPUP_HORIZON
    if any(d.date > horizon for d in days):
        errors.append(
            ValidationError(
                _("出張ひろば: %(date)s より先の日付は登録できません。") % {"date": f"{horizon:%Y-%m-%d}"},
                code="popup_too_far",
            )
        )
    if not days:
        errors.append(
            ValidationError(_("出張ひろば: 開設する日付を1日以上入れてください。"), code="popup_no_dates")
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def popup_create(*, by: User, hub: Hub, location: Location, days: Sequence[rules.PopupDay]) -> PopupPlaza:
    """Open a 出張ひろば for a hub: its own directory entry with one SpecialHours row per date."""
    _check_popup_days(hub, days)
    service = Service.objects.create(
        organization=hub.service.organization,
        location=location,
        category=Category.objects.get(slug="popup-hub"),
        name=_("出張ひろば %(hub)s（%(place)s）") % {"hub": hub.name, "place": location.name},
        description=_("%(hub)sの出張ひろばです。親子で気軽に遊びに来てください。") % {"hub": hub.name},
        min_age_months=hub.service.min_age_months,
        max_age_months=hub.service.max_age_months,
        for_pregnant=hub.service.for_pregnant,
        phone=hub.service.phone,
        walk_in=True,
        published=hub.status == Hub.Status.APPROVED,
    )
    _add_dates(service, days)
    popup = PopupPlaza.objects.create(hub=hub, service=service)
    _record_popup(
        by=by, popup=popup, action=AuditEntry.Action.CREATE, detail=_("出張ひろばの登録"), days=days
    )
    return popup


def _day_rows(days: Sequence[rules.PopupDay]) -> list[list[str]]:
    return [[f"{d.date}", f"{d.opens_at:%H:%M}", f"{d.closes_at:%H:%M}"] for d in days]


def _record_popup(*, by: User, popup: PopupPlaza, action: str, detail: str, days, **data) -> None:
    """出張ひろばの変更 in the audit log, with the dates it concerns."""
    audit.record(
        action=action,
        target=popup,
        by=by,
        place=popup.hub.name,
        detail=detail,
        data={"days": _day_rows(days), **data},
    )


def _add_dates(service: Service, days: Sequence[rules.PopupDay]) -> None:
    SpecialHours.objects.bulk_create(
        SpecialHours(
            service=service, date=d.date, is_closed=False, opens_at=d.opens_at, closes_at=d.closes_at
        )
        for d in days
    )


@transaction.atomic
def popup_dates_add(*, by: User, popup: PopupPlaza, days: Sequence[rules.PopupDay]) -> PopupPlaza:
    """Add dates to a hub's 出張ひろば (hub staff or city staff), checked with all the hub's dates."""
    _check_popup_days(popup.hub, days)
    _add_dates(popup.service, days)
    _record_popup(
        by=by, popup=popup, action=AuditEntry.Action.UPDATE, detail=_("出張ひろばの日付の追加"), days=days
    )
    return popup


def _tell_booked_parents(*, by: User, popup_day: SpecialHours, reason: str) -> int:
    """Cancel the sessions booked on a 出張ひろば date that moves or goes; booked parents are told
    through the bookings' own cancellation notice. Returns the number of sessions cancelled."""
    from facilities.bookings.models import Session
    from facilities.bookings.services import session_cancel

    sessions = Session.objects.filter(
        service_id=popup_day.service_id,
        starts_at__date=popup_day.date,
        status=Session.Status.SCHEDULED,
        starts_at__gt=timezone.now(),
    )
    for session in sessions:
        session_cancel(session=session, reason=reason, by=by)
    return len(sessions)


@transaction.atomic
def popup_date_change(*, by: User, popup_day: SpecialHours, day: rules.PopupDay, reason: str) -> SpecialHours:
    """Move a 出張ひろば date or change its hours; sessions booked on the old date are cancelled (the
    parents are told) because the booking they made no longer holds."""
    popup_day = SpecialHours.objects.select_for_update().get(pk=popup_day.pk)
    hub = popup_day.service.popup_plaza.hub
    if popup_day.date < timezone.localdate():
        raise ValidationError(_("過ぎた日付は変更できません。"), code="popup_past_date")
    _check_popup_days(hub, [day], exclude=popup_day)
    if not reason.strip():
        raise ValidationError(
            _("変更の理由を入れてください（予約した方にお知らせします）。"), code="reason_required"
        )
    _tell_booked_parents(by=by, popup_day=popup_day, reason=reason.strip())
    before = _day_rows(days_of([popup_day]))
    popup_day.date, popup_day.opens_at, popup_day.closes_at = day.date, day.opens_at, day.closes_at
    popup_day.full_clean()
    popup_day.save()
    _record_popup(
        by=by,
        popup=popup_day.service.popup_plaza,
        action=AuditEntry.Action.UPDATE,
        detail=_("出張ひろばの日付の変更"),
        days=[day],
        before=before,
        reason=reason.strip(),
    )
    return popup_day


@transaction.atomic
def popup_date_withdraw(*, by: User, popup_day: SpecialHours, reason: str) -> int:
    """Withdraw a coming 出張ひろば date (取り下げ). Always allowed: a date that cannot happen must go;
    a week left short shows as a rule message at the next change. Returns the sessions cancelled."""
    popup_day = SpecialHours.objects.select_for_update().get(pk=popup_day.pk)
    if popup_day.date < timezone.localdate():
        raise ValidationError(_("過ぎた日付は取り下げられません。"), code="popup_past_date")
    if not reason.strip():
        raise ValidationError(
            _("取り下げの理由を入れてください（予約した方にお知らせします）。"), code="reason_required"
        )
    cancelled = _tell_booked_parents(by=by, popup_day=popup_day, reason=reason.strip())
    _record_popup(
        by=by,
        popup=popup_day.service.popup_plaza,
        action=AuditEntry.Action.UPDATE,
        detail=_("出張ひろばの日付の取り下げ"),
        days=days_of([popup_day]),
        reason=reason.strip(),
    )
    popup_day.delete()
    return cancelled


@transaction.atomic
def report_save(*, by: User, report: MonthlyReport, submit: bool) -> MonthlyReport:
    """Save a monthly report (月次実績報告) as a draft or submit it; a submitted report is frozen."""
    if report.pk:
        stored = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if not stored.is_editable:
            raise ValidationError(_("提出済みの報告は変更できません。"), code="frozen")
    report.full_clean()
    if submit:
        report.status = MonthlyReport.Status.SUBMITTED
        report.submitted_by, report.submitted_at = by, timezone.now()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as error:
        raise ValidationError(_("この月の報告はすでにあります。"), code="duplicate") from error
    return report


@transaction.atomic
def report_review(*, by: User, report: MonthlyReport, accept: bool, comment: str = "") -> MonthlyReport:
    """City staff accept (受理) a submitted report or return it (差し戻し) with a comment."""
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.status != MonthlyReport.Status.SUBMITTED:
        raise ValidationError(_("提出された報告だけを確認できます。"), code="not_submitted")
    if not accept and not comment.strip():
        raise ValidationError(_("差し戻す理由をコメントに入れてください。"), code="comment_required")
    report.status = MonthlyReport.Status.ACCEPTED if accept else MonthlyReport.Status.RETURNED
    report.reviewed_by, report.reviewed_at, report.review_comment = by, timezone.now(), comment.strip()
    report.save()
    if not accept:
        from hubs.tasks import notify_report_returned  # tasks call these services

        mail.enqueue_on_commit(notify_report_returned, report.pk)
    return report


def previous_month(today: dt.date) -> dt.date:
    return first_of_month(first_of_month(today) - dt.timedelta(days=1))


def _staff_users(hub: Hub):
    return User.objects.filter(hub_account__hub=hub, is_active=True)


def report_reminders_send(*, today: dt.date) -> int:
    """Remind hub staff of last month's missing report and give city staff the overdue list (毎月5日).

    Returns the number of mails sent; each goes once per hub, month and person (``OutgoingMail``).
    """
    from hubs.selectors import overdue_reports

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
