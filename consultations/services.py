"""State changes of case records. Each one runs in a transaction and writes its audit entry in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations import selectors
from consultations.models import (
    Action,
    Case,
    Child,
    Contact,
    ContactAction,
    CooperationActivity,
    FollowUp,
    Guardian,
    Need,
    Referral,
    Specialist,
    UserSupportSite,
)
from facilities.models import Area, Service
from portal import audit, mail
from portal.audit import SYSTEM, Origin
from portal.models import AuditEntry


@dataclass
class Household:
    """世帯: who a new case is about, as typed on the logging screen."""

    guardian_name: str
    guardian_kana: str = ""
    phone: str = ""
    email: str = ""
    child_name: str = ""
    child_birth_date: dt.date | None = None
    due_date: dt.date | None = None
    area: Area | None = None


def _check_referral_service(service: Service | None, errors: dict) -> None:
    if service is not None and service.status != Service.Status.ACTIVE:
        errors["referral_service"] = _("「%(name)s」は現在実施していないため紹介できません。") % {
            "name": service.name
        }


@transaction.atomic
def contact_log(
    *,
    site: UserSupportSite,
    actor,
    origin: Origin,
    contacted_at: dt.datetime,
    channel: str,
    needs: Iterable[Need],
    actions: Iterable[str] = (),
    notes: str = "",
    case: Case | None = None,
    household: Household | None = None,
    referral_service: Service | None = None,
    referral_need: Need | None = None,
    no_suitable_service: bool = False,
    follow_up_due_on: dt.date | None = None,
    follow_up_description: str = "",
) -> Contact:
    """相談を記録: log one consultation, opening a case for a new household, with an optional
    referral and follow-up. All or nothing: any error leaves the database untouched."""
    needs = list(needs)
    errors: dict[str, str] = {}
    if not needs:
        errors["needs"] = _("ニーズを1つ以上選んでください。")
    if contacted_at > timezone.now() + dt.timedelta(minutes=1):
        errors["contacted_at"] = _("相談日時に未来の日時は入れられません。")
    if case is None and household is None:
        errors["guardian_name"] = _("新しい世帯の保護者の氏名を入れてください。")
    if case is not None and case.site_id != site.pk:
        raise Case.DoesNotExist  # never write into another site's case
    if follow_up_due_on and follow_up_due_on < timezone.localtime(contacted_at).date():
        errors["follow_up_due_on"] = _("フォローアップの期日は相談日より後にしてください。")
    if follow_up_due_on and not follow_up_description.strip():
        errors["follow_up_description"] = _("フォローアップの内容を入れてください。")
    if follow_up_description.strip() and not follow_up_due_on:
        errors["follow_up_due_on"] = _("フォローアップの期日を入れてください。")
    if referral_service is not None and no_suitable_service:
        errors["referral_service"] = _(
            "紹介先を選ぶか「適切なサービスがない」にチェックするか、どちらか一方にしてください。"
        )
    _check_referral_service(referral_service, errors)
    if errors:
        raise ValidationError(errors)

    if case is None:
        assert household is not None
        case = _case_open(site=site, actor=actor, household=household, opened_at=contacted_at)
        audit.record(
            action=AuditEntry.Action.CREATE,
            target=case,
            by=actor,
            place=case.site,
            detail=_("ケース受付"),
            origin=origin,
        )
    elif case.status != Case.Status.IN_PROGRESS:
        case.status, case.closing_reason, case.closed_on = Case.Status.IN_PROGRESS, "", None
        case.save(update_fields=["status", "closing_reason", "closed_on", "updated_at"])
    else:
        case.save(update_fields=["updated_at"])

    contact = Contact(
        case=case, contacted_at=contacted_at, channel=channel, specialist=actor, notes=notes.strip()
    )
    contact.full_clean()
    contact.save()
    contact.needs.set(needs)
    ContactAction.objects.bulk_create(
        ContactAction(contact=contact, action=Action(a)) for a in dict.fromkeys(actions)
    )
    detail = _("相談対応を記録")
    if referral_service is not None or no_suitable_service:
        referral = Referral(
            case=case,
            contact=contact,
            need=referral_need or needs[0],
            service=referral_service,
            outcome=Referral.Outcome.NO_SERVICE if no_suitable_service else Referral.Outcome.REFERRED,
            referred_on=timezone.localtime(contacted_at).date(),
        )
        referral.full_clean()
        referral.save()
        detail += _("・紹介")
    if follow_up_due_on:
        follow_up = FollowUp(
            case=case,
            contact=contact,
            due_on=follow_up_due_on,
            assignee=actor,
            description=follow_up_description.strip(),
        )
        follow_up.full_clean()
        follow_up.save()
        detail += _("・フォローアップ")
    audit.record(
        action=AuditEntry.Action.UPDATE, target=case, by=actor, place=case.site, detail=detail, origin=origin
    )
    return contact


def _case_open(*, site: UserSupportSite, actor, household: Household, opened_at: dt.datetime) -> Case:
    case = Case(
        site=site,
        area=household.area,
        due_date=household.due_date,
        created_by=actor,
        created_at=opened_at,
        status=Case.Status.RECEIVED,
    )
    case.full_clean()
    case.save()
    guardian = Guardian(
        case=case,
        name=household.guardian_name.strip(),
        name_kana=household.guardian_kana.strip(),
        phone=household.phone.strip(),
        email=household.email.strip(),
    )
    guardian.full_clean()
    guardian.save()
    if household.child_birth_date:
        child = Child(case=case, name=household.child_name.strip(), birth_date=household.child_birth_date)
        child.full_clean()
        child.save()
    return case


@transaction.atomic
def case_update(*, case: Case, actor, origin: Origin, fields: dict, detail: str = "") -> Case:
    """ケース情報の更新 (地区, 出産予定日, ポータルのアカウント, 代理予約の同意)."""
    for name, value in fields.items():
        setattr(case, name, value)
    case.full_clean()
    case.save()
    audit.record(
        action=AuditEntry.Action.UPDATE,
        target=case,
        by=actor,
        place=case.site,
        detail=detail or _("ケース情報を更新"),
        origin=origin,
    )
    return case


@transaction.atomic
def case_close(*, case: Case, actor, origin: Origin, reason: str, closed_on: dt.date | None = None) -> Case:
    """終結: close the case with a reason. Open follow-ups stay visible on the timeline."""
    closed_on = closed_on or timezone.localdate()
    if closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("終結日に未来の日付は入れられません。")})
    case.status, case.closing_reason, case.closed_on = Case.Status.CLOSED, reason, closed_on
    case.full_clean()
    case.save()
    audit.record(
        action=AuditEntry.Action.UPDATE,
        target=case,
        by=actor,
        place=case.site,
        detail=_("終結（%(reason)s）") % {"reason": case.get_closing_reason_display()},
        origin=origin,
    )
    return case


@transaction.atomic
def referral_create(
    *,
    case: Case,
    actor,
    origin: Origin,
    need: Need,
    service: Service | None,
    referred_on: dt.date,
    note: str = "",
) -> Referral:
    """紹介: a referral made outside a logged contact; ``service`` None is "no suitable service"."""
    errors: dict[str, str] = {}
    _check_referral_service(service, errors)
    if referred_on > timezone.localdate():
        errors["referred_on"] = _("紹介日に未来の日付は入れられません。")
    if errors:
        raise ValidationError(errors)
    referral = Referral(
        case=case,
        need=need,
        service=service,
        outcome=Referral.Outcome.REFERRED if service else Referral.Outcome.NO_SERVICE,
        referred_on=referred_on,
        note=note.strip(),
    )
    referral.full_clean()
    referral.save()
    audit.record(
        action=AuditEntry.Action.UPDATE,
        target=case,
        by=actor,
        place=case.site,
        detail=_("紹介を記録"),
        origin=origin,
    )
    return referral


@transaction.atomic
def referral_record_outcome(
    *, referral: Referral, actor, origin: Origin, outcome: str, outcome_on: dt.date | None = None
) -> Referral:
    """紹介の結果: 利用につながった / つながらなかった, with the date it was confirmed."""
    if referral.outcome == Referral.Outcome.NO_SERVICE:
        raise ValidationError({"outcome": _("「適切なサービスがない」の記録には結果をつけられません。")})
    if outcome not in (Referral.Outcome.USED, Referral.Outcome.NOT_USED, Referral.Outcome.REFERRED):
        raise ValidationError({"outcome": _("結果を選んでください。")})
    referral.outcome = outcome
    referral.outcome_on = (
        None if outcome == Referral.Outcome.REFERRED else (outcome_on or timezone.localdate())
    )
    referral.full_clean()
    referral.save(update_fields=["outcome", "outcome_on"])
    audit.record(
        action=AuditEntry.Action.UPDATE,
        target=referral.case,
        by=actor,
        place=referral.case.site,
        detail=_("紹介の結果: %(outcome)s") % {"outcome": referral.get_outcome_display()},
        origin=origin,
    )
    return referral


@transaction.atomic
def follow_up_create(
    *, case: Case, actor, origin: Origin, due_on: dt.date, description: str, assignee=None
) -> FollowUp:
    follow_up = FollowUp(
        case=case, due_on=due_on, description=description.strip(), assignee=assignee or actor
    )
    follow_up.full_clean()
    follow_up.save()
    audit.record(
        action=AuditEntry.Action.UPDATE,
        target=case,
        by=actor,
        place=case.site,
        detail=_("フォローアップを追加"),
        origin=origin,
    )
    return follow_up


@transaction.atomic
def follow_up_complete(*, follow_up: FollowUp, actor, origin: Origin) -> FollowUp:
    """フォローアップ完了. Completing twice keeps the first completion time."""
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["done_at"])
        audit.record(
            action=AuditEntry.Action.UPDATE,
            target=follow_up.case,
            by=actor,
            place=follow_up.case.site,
            detail=_("フォローアップ完了"),
            origin=origin,
        )
    return follow_up


@transaction.atomic
def cooperation_activity_create(
    *, site: UserSupportSite, actor, held_on: dt.date, partners: str, topic: str, outcome: str = ""
) -> CooperationActivity:
    """地域連携の記録 (基本型 sites only; the model refuses other types)."""
    activity = CooperationActivity(
        site=site,
        held_on=held_on,
        partners=partners.strip(),
        topic=topic.strip(),
        outcome=outcome.strip(),
        recorded_by=actor,
    )
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def referral_book(*, referral: Referral, session, child, actor, origin: Origin):
    """代理予約: book a session of the referred service for the family, with the parent's consent.

    The one place that calls the booking feature; its own rules (capacity, waitlist, age, window)
    apply unchanged, and the parent gets the usual confirmation mail.
    """
    from facilities.bookings.services import booking_create

    case = referral.case
    if not case.can_book_for_parent:
        raise ValidationError(_("代理予約には、保護者のポータルのアカウントと同意の記録が必要です。"))
    if session.service_id != referral.service_id:
        raise ValidationError({"session": _("紹介先のサービスの回を選んでください。")})
    if child.parent_id != case.parent_account_id:
        raise ValidationError({"child": _("このお子さんは選べません。")})
    booking = booking_create(session=session, parent=case.parent_account, child=child, by=actor)
    referral.booking = booking
    referral.save(update_fields=["booking"])
    audit.record(
        action=AuditEntry.Action.UPDATE,
        target=case,
        by=actor,
        place=case.site,
        detail=_("代理予約: %(session)s") % {"session": session},
        origin=origin,
    )
    return booking


# --- Retention ---------------------------------------------------------------------------------------


def _first_of_month(value: dt.date | None) -> dt.date | None:
    return value.replace(day=1) if value else None


@transaction.atomic
def case_anonymize(*, case: Case, actor=None, origin: Origin = SYSTEM) -> Case:
    """匿名化: erase names, contacts and free text; keep every count the statistics read (dates of
    contacts, needs, actions, referrals, area, and whether there is a child or a pregnancy)."""
    case.guardians.update(name="", name_kana="", kana_key="", phone="", email="", phone_digits="")
    for child in case.children.all():
        child.name, child.birth_date = "", _first_of_month(child.birth_date)
        child.save(update_fields=["name", "birth_date"])
    case.contacts.update(notes="")
    case.referrals.update(note="")
    case.follow_ups.update(description="")
    case.due_date = _first_of_month(case.due_date)
    case.parent_account, case.booking_consent_on = None, None
    case.anonymized_at = timezone.now()
    case.save(
        update_fields=["due_date", "parent_account", "booking_consent_on", "anonymized_at", "updated_at"]
    )
    audit.record(
        action=AuditEntry.Action.ANONYMIZE,
        target=case,
        by=actor,
        place=case.site,
        detail=_("保存期間の経過"),
        origin=origin,
    )
    return case


def retention_cutoff(today: dt.date) -> dt.date:
    years = settings.CONSULTATION_RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def cases_anonymize_expired(*, today: dt.date | None = None) -> int:
    """Anonymize closed cases whose closing date is older than the retention period. Each case in
    its own transaction, claimed with SKIP LOCKED so two runs never work on the same case."""
    cutoff = retention_cutoff(today or timezone.localdate())
    done = 0
    while True:
        with transaction.atomic():
            case = (
                Case.objects.select_for_update(skip_locked=True)
                .filter(status=Case.Status.CLOSED, closed_on__lt=cutoff, anonymized_at__isnull=True)
                .order_by("pk")
                .first()
            )
            if case is None:
                return done
            case_anonymize(case=case)
            done += 1


# --- Mail --------------------------------------------------------------------------------------------


def monthly_reports_send(*, month: dt.date) -> int:
    """月次報告: mail each site lead (主任) the report of their site for ``month`` with the CSV."""
    month = month.replace(day=1)
    leads = Specialist.objects.filter(is_lead=True, user__is_active=True).select_related(
        "user", "site__service"
    )

    def batch():
        for lead in leads:
            with translation.override(mail.recipient_language(lead.user)):
                report = selectors.monthly_report(month=month, site=lead.site)
                csv = report.as_csv().encode("utf-8")
            yield {
                "message": "consultations/monthly_report",
                "recipient": lead.user,
                "about": lead.site,
                "occasion": f"{month:%Y-%m}",
                "context": {"report": report, "month": month, "site": lead.site},
                "attachments": [mail.Attachment(f"consultations-{month:%Y-%m}.csv", csv, "text/csv")],
            }

    return mail.send_all(batch())


def follow_up_digests_send(*, day: dt.date) -> int:
    """朝のお知らせ: mail each specialist their follow-ups due today or overdue (case numbers only)."""

    def batch():
        for specialist in Specialist.objects.filter(user__is_active=True).select_related("user"):
            follow_ups = list(selectors.follow_ups_due(user=specialist.user, day=day))
            if follow_ups:
                yield {
                    "message": "consultations/digest",
                    "recipient": specialist.user,
                    "occasion": day.isoformat(),
                    "context": {
                        "follow_ups": follow_ups,
                        "day": day,
                        "url": mail.absolute_url(reverse("consultations:case_list")),
                    },
                }

    return mail.send_all(batch())
