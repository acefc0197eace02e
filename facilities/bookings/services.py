"""State changes of 予約. Every function is keyword-only, runs in one transaction and leaves mail to
``transaction.on_commit``.

Capacity rule (定員): every change that can fill or free a seat first locks the session row
(``SELECT ... FOR UPDATE``), then counts confirmed bookings. Two parents racing for the last seat
therefore queue on the lock; the second sees the seat taken and is waitlisted. Freed seats go to the
first eligible waitlisted booking in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import holidays
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facilities.bookings import emails, kinds
from facilities.bookings.models import Booking, Child, Session, SessionSeries
from facilities.models import Service
from portal import audit, mail
from portal.models import AuditEntry, User


def _notify_on_commit(booking_id: int, kind: str) -> None:
    from facilities.bookings.tasks import send_booking_notice  # tasks call these services

    mail.enqueue_on_commit(send_booking_notice, booking_id, kind)


# --- Children --------------------------------------------------------------------------------------


def child_create(
    *,
    parent: User,
    nickname: str,
    birth_date: dt.date | None = None,
    is_pregnancy: bool = False,
    due_date: dt.date | None = None,
) -> Child:
    """お子さんの登録 (or a pregnancy with its due date)."""
    child = Child(
        parent=parent, nickname=nickname, birth_date=birth_date, is_pregnancy=is_pregnancy, due_date=due_date
    )
    with transaction.atomic():
        child.full_clean()
        child.save()
    return child


def child_update(*, child: Child, **fields: Any) -> Child:
    allowed = {"nickname", "birth_date", "is_pregnancy", "due_date"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(name)
        setattr(child, name, value)
    with transaction.atomic():
        child.full_clean()
        child.save()
    return child


def child_record_birth(*, child: Child, nickname: str, birth_date: dt.date) -> Child:
    """出産の登録: the pregnancy profile becomes the child's, keeping its bookings and history."""
    if not child.is_pregnancy:
        raise ValidationError(_("この登録はすでにお子さんの情報です。"))
    return child_update(
        child=child, nickname=nickname, is_pregnancy=False, birth_date=birth_date, due_date=None
    )


# --- Sessions --------------------------------------------------------------------------------------


def session_create(
    *,
    service: Service,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by: User | None,
    kind: str = kinds.Course.value,
    capacity: int | None = None,
    title: str = "",
    place: str = "",
    specialist: User | None = None,
    min_age_months: int | None = None,
    max_age_months: int | None = None,
    for_pregnant: bool | None = None,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    cancel_cutoff: dt.datetime | None = None,
    series: SessionSeries | None = None,
) -> Session:
    """予約枠の作成. The kind's policy fixes what it fixes (an appointment's one seat, a 両親学級's
    audience) and gives the booking window; ages and 妊娠中 otherwise default to the service's.

    A service that takes bookings says so everywhere (the ネット予約 chip and filter of the search):
    its ``bookable_online`` is set with its first session, 出張ひろば included.
    """
    policy = kinds.policy_for(kind)
    default_opens, default_closes, default_cutoff = policy.window(starts_at)
    session = Session(
        service=service,
        kind=kind,
        series=series,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        place=place,
        specialist=specialist,
        min_age_months=service.min_age_months if min_age_months is None else min_age_months,
        max_age_months=service.max_age_months if max_age_months is None else max_age_months,
        for_pregnant=service.for_pregnant if for_pregnant is None else for_pregnant,
        opens_at=opens_at or default_opens,
        closes_at=closes_at or default_closes,
        cancel_cutoff=cancel_cutoff or default_cutoff,
        created_by=by,
    )
    policy.prepare(session)
    if policy.has_specialist and specialist is None:
        raise ValidationError(_("%(kind)sには担当の利用者支援専門員が必要です。") % {"kind": policy.label})
    if session.capacity is None:
        raise ValidationError({"capacity": _("定員を入れてください。")})
    with transaction.atomic():
        session.full_clean()
        session.save()
        if not service.bookable_online:
            service.bookable_online = True
            service.save(update_fields=["bookable_online"])
    return session


def series_create(
    *,
    service: Service,
    weekday: int,
    start_time: dt.time,
    end_time: dt.time,
    first_date: dt.date,
    last_date: dt.date,
    by: User | None,
    kind: str = kinds.Course.value,
    capacity: int | None = None,
    title: str = "",
    place: str = "",
    specialist: User | None = None,
    skip_holidays: bool = True,
) -> SessionSeries:
    """毎週の回の作成: one session on each ``weekday`` from ``first_date`` to ``last_date``.

    National holidays (祝日) and the service's closed dates (臨時休業) are skipped.
    """
    if end_time <= start_time:
        raise ValidationError({"end_time": _("終了時刻は開始時刻より後にしてください。")})
    if last_date < first_date:
        raise ValidationError({"last_date": _("最終回は初回より後の日付にしてください。")})
    if (last_date - first_date).days > 366:
        raise ValidationError({"last_date": _("毎週の回は1年以内で作ってください。")})
    closed = set(service.special_hours.filter(is_closed=True).values_list("date", flat=True))
    national = holidays.Japan(years=range(first_date.year, last_date.year + 1)) if skip_holidays else {}
    tz = timezone.get_current_timezone()
    series = SessionSeries(
        service=service,
        title=title,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        first_date=first_date,
        last_date=last_date,
        created_by=by,
    )
    with transaction.atomic():
        series.full_clean()
        series.save()
        day = first_date + dt.timedelta(days=(weekday - first_date.weekday()) % 7)
        created = 0
        while day <= last_date:
            if day not in closed and day not in national:
                session_create(
                    service=service,
                    series=series,
                    starts_at=dt.datetime.combine(day, start_time, tzinfo=tz),
                    ends_at=dt.datetime.combine(day, end_time, tzinfo=tz),
                    kind=kind,
                    capacity=capacity,
                    title=title,
                    place=place,
                    specialist=specialist,
                    by=by,
                )
                created += 1
            day += dt.timedelta(days=7)
        if not created:
            raise ValidationError(_("その期間に該当する日がありません。"))
    return series


def _fill_free_seats(session: Session, now: dt.datetime) -> list[Booking]:
    """繰り上げ: give free seats to the first eligible waitlisted bookings. Session must be locked."""
    free = session.capacity - session.bookings.filter(status=Booking.Status.CONFIRMED).count()
    promoted: list[Booking] = []
    if free <= 0:
        return promoted
    waiting = (
        session.bookings.filter(status=Booking.Status.WAITLISTED)
        .select_related("child")
        .order_by("created_at", "id")
    )
    for booking in waiting:
        if len(promoted) == free:
            break
        if booking.child is not None and not session.accepts(booking.child):
            continue
        booking.status = Booking.Status.CONFIRMED
        booking.promoted_at = now
        booking.save(update_fields=["status", "promoted_at"])
        _notify_on_commit(booking.pk, "promotion")
        promoted.append(booking)
    return promoted


def session_set_capacity(*, session: Session, capacity: int, by: User) -> Session:
    """定員の変更. Raising it promotes waitlisted bookings; it cannot go below the confirmed count."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.status != Session.Status.SCHEDULED:
            raise ValidationError(_("中止になった回は変更できません。"))
        confirmed = session.bookings.filter(status=Booking.Status.CONFIRMED).count()
        if capacity < confirmed:
            raise ValidationError(
                {
                    "capacity": _("確定した予約が %(n)d 件あるので、定員を %(n)d より少なくはできません。")
                    % {"n": confirmed}
                }
            )
        before = session.capacity
        session.capacity = capacity
        session.full_clean()
        session.save(update_fields=["capacity"])
        promoted = _fill_free_seats(session, timezone.now())
        audit.record(
            action=AuditEntry.Action.UPDATE,
            target=session,
            by=by,
            place=session.service,
            detail=_("定員の変更"),
            data={"capacity": [before, capacity], "promoted": [b.pk for b in promoted]},
        )
    return session


def session_cancel(*, session: Session, reason: str, by: User) -> Session:
    """回の中止: cancel the session and every live booking; each booked parent is emailed."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("中止の理由を入れてください。")})
    now = timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.status == Session.Status.CANCELLED:
            raise ValidationError(_("この回はすでに中止になっています。"))
        if session.starts_at <= now:
            raise ValidationError(_("始まった回は中止できません。"))
        session.status = Session.Status.CANCELLED
        session.cancel_reason = reason
        session.full_clean()
        session.save(update_fields=["status", "cancel_reason"])
        live = session.bookings.exclude(status=Booking.Status.CANCELLED)
        notify = list(live.filter(parent__isnull=False).values_list("id", "booked_by_id"))
        live.update(status=Booking.Status.CANCELLED, cancelled_at=now, cancelled_by_session=True)
        for booking_id, booked_by_id in notify:
            _notify_on_commit(booking_id, "session_cancelled")
            if booked_by_id is not None:
                _notify_on_commit(booking_id, "session_cancelled_for_family")
        audit.record(
            action=AuditEntry.Action.UPDATE,
            target=session,
            by=by,
            place=session.service,
            detail=_("回の中止"),
            data={"reason": reason, "bookings_cancelled": [pk for pk, _by in notify]},
        )
    return session


# --- Bookings --------------------------------------------------------------------------------------


def booking_create(
    *, session: Session, parent: User, child: Child, by: User | None = None, now: dt.datetime | None = None
) -> Booking:
    """予約する: a confirmed seat, or a waitlist place when the session is full. ``by`` is who booked
    when it is not the parent (代理予約 by a specialist).

    Refused with the reason when the child is not this session's audience
    (``Session.ineligibility_reason``) or already holds a session at overlapping hours.

    A repeat of the same child and session (double click, resubmitted form) returns the live
    booking it already has, marked ``is_repeat``; nothing new is written.
    """
    now = now or timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        existing = session.bookings.filter(child=child).exclude(status=Booking.Status.CANCELLED).first()
        if existing is not None and existing.parent_id == parent.pk:
            existing.is_repeat = True
            return existing
        if child.parent_id != parent.pk:
            raise ValidationError({"child": _("このお子さんは選べません。")})
        problem = session.booking_problem(now)
        if problem:
            raise ValidationError(problem)
        reason = session.ineligibility_reason(child)
        if reason:
            raise ValidationError({"child": reason})
        # One child, one place at a time. The child's row is locked too, so two bookings of
        # different sessions for the same child cannot both pass this check.
        Child.objects.select_for_update().filter(pk=child.pk).first()
        clash = Booking.objects.clashing(child, session).first()
        if clash is not None:
            raise ValidationError({"child": clash.clash_message()})
        confirmed = session.bookings.filter(status=Booking.Status.CONFIRMED).count()
        status = Booking.Status.CONFIRMED if confirmed < session.capacity else Booking.Status.WAITLISTED
        booking = Booking(
            session=session,
            parent=parent,
            child=child,
            status=status,
            created_at=now,
            booked_by=by if by is not None and by.pk != parent.pk else None,
        )
        booking.full_clean(validate_constraints=False)  # the lock above already serialises this session
        booking.save()
        _notify_on_commit(booking.pk, "confirmation")
    booking.is_repeat = False
    return booking


def booking_cancel(*, booking: Booking, by: User, closing_account: bool = False) -> Booking:
    """予約の取消. The parent may cancel a seat until the cutoff (staff at any time before the start);
    the freed seat goes to the waitlist in the same transaction. A parent deleting their account
    (``closing_account``) frees their seats even after the cutoff: they will not come."""
    now = timezone.now()
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=booking.session_id)
        booking = Booking.objects.select_related("session").get(pk=booking.pk)
        if booking.status == Booking.Status.CANCELLED:
            raise ValidationError(_("この予約はすでにキャンセルされています。"))
        if by.pk == booking.parent_id and not closing_account:
            if not booking.can_cancel(now):
                raise ValidationError(
                    _("キャンセルの期限（%(cutoff)s）を過ぎました。施設に電話でご連絡ください。")
                    % {"cutoff": f"{timezone.localtime(session.cancel_cutoff):%Y-%m-%d %H:%M}"}
                )
        elif session.starts_at <= now:
            raise ValidationError(_("始まった回の予約は取り消せません。出欠で記録してください。"))
        was_confirmed = booking.status == Booking.Status.CONFIRMED
        booking.status = Booking.Status.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        if was_confirmed and session.status == Session.Status.SCHEDULED:
            _fill_free_seats(session, now)
        if by.pk != booking.parent_id:
            audit.record(
                action=AuditEntry.Action.UPDATE,
                target=booking,
                by=by,
                place=session.service,
                detail=_("予約の取消"),
            )
        _notify_on_commit(booking.pk, "cancelled")
    return booking


def booking_mark_attendance(*, booking: Booking, attended: bool | None) -> Booking:
    """出欠の記録: True attended, False no-show (欠席), None not yet recorded."""
    with transaction.atomic():
        booking = Booking.objects.select_for_update(of=("self",)).select_related("session").get(pk=booking.pk)
        if booking.status != Booking.Status.CONFIRMED:
            raise ValidationError(_("確定した予約だけ出欠を記録できます。"))
        if booking.session.date > timezone.localdate():
            raise ValidationError(_("まだ来ていない日の出欠は記録できません。"))
        booking.attended = attended
        booking.save(update_fields=["attended"])
    return booking


def walk_in_add(*, session: Session, by: User, name: str = "") -> Booking:
    """当日参加の追加: someone who came without booking takes a free seat and is marked attended."""
    with transaction.atomic():
        session = Session.objects.select_for_update().get(pk=session.pk)
        if session.status != Session.Status.SCHEDULED:
            raise ValidationError(_("中止になった回には追加できません。"))
        if session.date > timezone.localdate():
            raise ValidationError(_("当日参加は開催日に追加してください。"))
        confirmed = session.bookings.filter(status=Booking.Status.CONFIRMED).count()
        if confirmed >= session.capacity:
            raise ValidationError(_("満席です。定員を増やしてから追加してください。"))
        booking = Booking(
            session=session, walk_in_name=name.strip(), status=Booking.Status.CONFIRMED, attended=True
        )
        booking.full_clean(validate_constraints=False)
        booking.save()
        audit.record(
            action=AuditEntry.Action.CREATE,
            target=booking,
            by=by,
            place=session.service,
            detail=_("当日参加の追加"),
        )
    return booking


# --- Mail ------------------------------------------------------------------------------------------


def booking_send_notice(*, booking_id: int, kind: str, now: dt.datetime | None = None) -> bool:
    """Send one mail of ``kind`` for a booking if it is still due; True when this call sent it.

    Sending once is the mailer's job (``portal.mail``): it claims the mail in its own committed
    transaction before the send, so this runs outside any transaction.
    """
    from facilities.bookings.selectors import notice_due_q

    booking = (
        Booking.objects.select_related(
            "session__service__location", "session__specialist", "parent", "child", "booked_by"
        )
        .filter(notice_due_q(kind, now or timezone.now()), pk=booking_id)
        .first()
    )
    if booking is None:
        return False
    return emails.booking_notice_send(booking, kind)
