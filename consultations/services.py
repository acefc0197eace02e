"""State changes of case records. Each one runs in a transaction and writes its audit entry in it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

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
    ConsultationRequest,
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
from portal import audit, dates, mail
from portal.audit import SYSTEM, Origin
from portal.models import AuditEntry, Role, User


class PossibleDuplicate(ValidationError):
    """重複の可能性: the new household looks like one the site already has; ``cases`` says which."""

    def __init__(self, cases: list[Case]):
        self.cases = cases
        numbers = "、".join(case.number for case in cases)
        super().__init__(
            _(
                "同じ世帯かもしれないケースがあります（%(numbers)s）。開いて確認するか、このまま保存してください。"
            )
            % {"numbers": numbers}
        )


def ensure_writable(case: Case) -> None:
    """終結・匿名化したケースへの変更を断る: every state change of a case asks this first (#11.14)."""
    if case.is_read_only:
        raise ValidationError(case.read_only_reason)


def _audit_case(
    case: Case, *, by, origin: Origin, detail: str, action: str = AuditEntry.Action.UPDATE
) -> None:
    """A case's entry in the audit log: named by its number, placed at its site (実施場所)."""
    audit.record(action=action, target=case, by=by, place=case.site, detail=detail, origin=origin)


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
    by,
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
    save_anyway: bool = False,
) -> Contact:
    """相談を記録: log one consultation, opening a case for a new household, with an optional
    referral and follow-up. All or nothing: any error leaves the database untouched.

    A new household that looks like one of the site's cases raises ``PossibleDuplicate`` unless
    ``save_anyway`` (the specialist checked and it is another family)."""
    needs = list(needs)
    errors: dict[str, str] = {}
    if not needs:
        errors["needs"] = _("ニーズを1つ以上選んでください。")
    if message := dates.past_moment_error(contacted_at):
        errors["contacted_at"] = message
    if case is None and household is None:
        errors["guardian_name"] = _("新しい世帯の保護者の氏名を入れてください。")
    if case is not None and case.site_id != site.pk:
        raise Case.DoesNotExist  # never write into another site's case
    if case is not None:
        ensure_writable(case)
    if message := dates.FOLLOW_UP.error(follow_up_due_on):
        errors["follow_up_due_on"] = message
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
    if case is None and not save_anyway:
        assert household is not None
        duplicates = selectors.possible_duplicates(
            site=site,
            name=household.guardian_name,
            kana=household.guardian_kana,
            phone=household.phone,
            birth_date=household.child_birth_date,
        )
        if duplicates := list(duplicates):
            raise PossibleDuplicate(duplicates)

    if case is None:
        assert household is not None
        case = _case_open(site=site, by=by, household=household, opened_at=contacted_at)
        _audit_case(case, by=by, origin=origin, detail=_("ケース受付"), action=AuditEntry.Action.CREATE)
    elif case.status == Case.Status.RECEIVED:
        case.status = Case.Status.IN_PROGRESS
        case.save(update_fields=["status", "updated_at"])
    else:
        case.save(update_fields=["updated_at"])

    contact = Contact(
        case=case, contacted_at=contacted_at, channel=channel, specialist=by, notes=notes.strip()
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
            assignee=by,
            description=follow_up_description.strip(),
        )
        follow_up.full_clean()
        follow_up.save()
        detail += _("・フォローアップ")
    _audit_case(case, by=by, origin=origin, detail=detail)
    return contact


def _case_open(*, site: UserSupportSite, by, household: Household, opened_at: dt.datetime) -> Case:
    case = Case(
        site=site,
        area=household.area,
        due_date=household.due_date,
        created_by=by,
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
def case_update(*, case: Case, by, origin: Origin, fields: dict, detail: str = "") -> Case:
    """ケース情報の更新 (地区, 出産予定日, ポータルのアカウント, 代理予約の同意)."""
    ensure_writable(case)
    for name, value in fields.items():
        setattr(case, name, value)
    case.full_clean()
    case.save()
    _audit_case(case, by=by, origin=origin, detail=detail or _("ケース情報を更新"))
    return case


@transaction.atomic
def case_close(*, case: Case, by, origin: Origin, reason: str, closed_on: dt.date | None = None) -> Case:
    """終結: close the case with a reason. The closing date may not precede the first contact nor lie
    in the future (the model checks); when it was *recorded* is kept, as erasure counts from both.
    Open follow-ups stay visible on the timeline."""
    ensure_writable(case)
    case.status, case.closing_reason = Case.Status.CLOSED, reason
    case.closed_on, case.closed_recorded_at = closed_on or timezone.localdate(), timezone.now()
    try:
        case.full_clean()
    except ValidationError:
        # The caller's object must not look closed after a refused close.
        case.refresh_from_db(fields=["status", "closing_reason", "closed_on", "closed_recorded_at"])
        raise
    case.save()
    _audit_case(
        case,
        by=by,
        origin=origin,
        detail=_("終結（%(reason)s）") % {"reason": case.get_closing_reason_display()},
    )
    return case


@transaction.atomic
def case_reopen(*, case: Case, by, origin: Origin) -> Case:
    """再開: a closed case becomes 対応中 again, so it can be written to (never an anonymized one)."""
    if case.anonymized_at is not None or case.status != Case.Status.CLOSED:
        raise ValidationError(_("再開できるのは、匿名化していない終結したケースだけです。"))
    if case.merged_into_id is not None:
        raise ValidationError(_("統合したケースは再開できません。統合先のケースに記録してください。"))
    case.status, case.closing_reason = Case.Status.IN_PROGRESS, ""
    case.closed_on, case.closed_recorded_at = None, None
    case.save(update_fields=["status", "closing_reason", "closed_on", "closed_recorded_at", "updated_at"])
    _audit_case(case, by=by, origin=origin, detail=_("再開"))
    return case


@transaction.atomic
def case_merge(*, target: Case, source: Case, by, origin: Origin) -> Case:
    """世帯の統合: one family recorded twice. Everything of ``source`` moves into ``target``
    (guardians and children already there are not copied twice); ``source`` stays as a closed record
    pointing at ``target``, so its audit trail and case number remain."""
    if source.pk == target.pk or source.site_id != target.site_id:
        raise ValidationError({"source": _("同じ実施場所の、別のケースを選んでください。")})
    # Lock both in a fixed order: two merges of the same pair at once cannot interleave.
    locked = {
        case.pk: case for case in Case.objects.select_for_update().filter(pk__in=[target.pk, source.pk])
    }
    target, source = locked[target.pk], locked[source.pk]
    ensure_writable(target)
    ensure_writable(source)
    known = {(g.name_key, g.kana_key, g.phone_digits, g.email.lower()) for g in target.guardians.all()}
    for guardian in source.guardians.all():
        key = (guardian.name_key, guardian.kana_key, guardian.phone_digits, guardian.email.lower())
        if key in known:
            guardian.delete()
        else:
            Guardian.objects.filter(pk=guardian.pk).update(case=target)
    known_children = set(target.children.values_list("name", "birth_date"))
    for child in source.children.all():
        if (child.name, child.birth_date) in known_children:
            child.delete()
        else:
            Child.objects.filter(pk=child.pk).update(case=target)
    for related in (source.contacts, source.referrals, source.follow_ups):
        related.update(case=target)
    target.due_date = target.due_date or source.due_date
    target.area = target.area or source.area
    if target.parent_account_id is None:
        target.parent_account, target.booking_consent_on = source.parent_account, source.booking_consent_on
    target.save()
    source.status, source.closing_reason, source.merged_into = (
        Case.Status.CLOSED,
        Case.ClosingReason.MERGED,
        target,
    )
    source.closed_on, source.closed_recorded_at = timezone.localdate(), timezone.now()
    source.parent_account, source.booking_consent_on = None, None
    source.full_clean()
    source.save()
    for case, detail in (
        (target, _("ケース %(number)s を統合") % {"number": source.number}),
        (source, _("ケース %(number)s に統合") % {"number": target.number}),
    ):
        _audit_case(case, by=by, origin=origin, detail=detail)
    return target


@transaction.atomic
def referral_create(
    *,
    case: Case,
    by,
    origin: Origin,
    need: Need,
    service: Service | None,
    referred_on: dt.date,
    note: str = "",
) -> Referral:
    """紹介: a referral made outside a logged contact; ``service`` None is "no suitable service"."""
    ensure_writable(case)
    errors: dict[str, str] = {}
    _check_referral_service(service, errors)
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
    _audit_case(case, by=by, origin=origin, detail=_("紹介を記録"))
    return referral


@transaction.atomic
def referral_record_outcome(
    *, referral: Referral, by, origin: Origin, outcome: str, outcome_on: dt.date | None = None
) -> Referral:
    """紹介の結果: 利用につながった / つながらなかった, with the date it was confirmed."""
    ensure_writable(referral.case)
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
    _audit_case(
        referral.case,
        by=by,
        origin=origin,
        detail=_("紹介の結果: %(outcome)s") % {"outcome": referral.get_outcome_display()},
    )
    return referral


@transaction.atomic
def follow_up_create(
    *, case: Case, by, origin: Origin, due_on: dt.date, description: str, assignee=None
) -> FollowUp:
    """フォローアップを追加, assigned to a specialist of the case's site (the author by default)."""
    ensure_writable(case)
    if assignee is not None and not Specialist.objects.filter(user=assignee, site_id=case.site_id).exists():
        raise ValidationError({"assignee": _("このケースの実施場所の専門員を選んでください。")})
    follow_up = FollowUp(case=case, due_on=due_on, description=description.strip(), assignee=assignee or by)
    follow_up.full_clean()
    follow_up.save()
    _audit_case(case, by=by, origin=origin, detail=_("フォローアップを追加"))
    return follow_up


@transaction.atomic
def follow_up_complete(*, follow_up: FollowUp, by, origin: Origin) -> FollowUp:
    """フォローアップ完了. Completing twice keeps the first completion time."""
    ensure_writable(follow_up.case)
    if follow_up.done_at is None:
        follow_up.done_at = timezone.now()
        follow_up.save(update_fields=["done_at"])
        _audit_case(follow_up.case, by=by, origin=origin, detail=_("フォローアップ完了"))
    return follow_up


@transaction.atomic
def follow_up_reassign(*, follow_up: FollowUp, assignee, by, origin: Origin) -> FollowUp:
    """担当を変更: an open follow-up goes to another specialist of the same site."""
    ensure_writable(follow_up.case)
    if follow_up.is_done:
        raise ValidationError(_("完了したフォローアップの担当は変えられません。"))
    if not Specialist.objects.filter(user=assignee, site_id=follow_up.case.site_id).exists():
        raise ValidationError({"assignee": _("このケースの実施場所の専門員を選んでください。")})
    if assignee.pk != follow_up.assignee_id:
        follow_up.assignee = assignee
        follow_up.save(update_fields=["assignee"])
        _audit_case(
            follow_up.case,
            by=by,
            origin=origin,
            detail=_("フォローアップの担当を変更: %(assignee)s") % {"assignee": assignee},
        )
    return follow_up


@transaction.atomic
def follow_up_reopen(*, follow_up: FollowUp, by, origin: Origin) -> FollowUp:
    """完了を取り消す (undo): a follow-up marked done by mistake is due again."""
    ensure_writable(follow_up.case)
    if follow_up.done_at is not None:
        follow_up.done_at = None
        follow_up.save(update_fields=["done_at"])
        _audit_case(follow_up.case, by=by, origin=origin, detail=_("フォローアップの完了を取り消し"))
    return follow_up


@transaction.atomic
def cooperation_activity_create(
    *, site: UserSupportSite, by, held_on: dt.date, partners: str, topic: str, outcome: str = ""
) -> CooperationActivity:
    """地域連携の記録 (基本型 sites only; the model refuses other types)."""
    activity = CooperationActivity(
        site=site,
        held_on=held_on,
        partners=partners.strip(),
        topic=topic.strip(),
        outcome=outcome.strip(),
        recorded_by=by,
    )
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def referral_book(*, referral: Referral, session, child, by, origin: Origin):
    """代理予約: book a session of the referred service for the family, with the parent's consent.

    The one place that calls the booking feature; its own rules (capacity, waitlist, age, window)
    apply unchanged, and the parent gets the usual confirmation mail.
    """
    from facilities.bookings.services import booking_create

    case = referral.case
    ensure_writable(case)
    if not case.can_book_for_parent:
        raise ValidationError(_("代理予約には、保護者のポータルのアカウントと同意の記録が必要です。"))
    if session.service_id != referral.service_id:
        raise ValidationError({"session": _("紹介先のサービスの回を選んでください。")})
    if child.parent_id != case.parent_account_id:
        raise ValidationError({"child": _("このお子さんは選べません。")})
    booking = booking_create(session=session, parent=case.parent_account, child=child, by=by)
    if booking.is_repeat and booking.pk != referral.booking_id:
        # The family already holds this seat (booked it themselves, or through another referral):
        # it is theirs, not one made for them.
        raise ValidationError({"session": _("このお子さんはこの回をすでに予約しています。")})
    referral.booking = booking
    referral.save(update_fields=["booking"])
    _audit_case(case, by=by, origin=origin, detail=_("代理予約: %(session)s") % {"session": session})
    return booking


# --- Retention ---------------------------------------------------------------------------------------


def _first_of_month(value: dt.date | None) -> dt.date | None:
    return value.replace(day=1) if value else None


@transaction.atomic
def case_anonymize(*, case: Case, by=None, origin: Origin = SYSTEM) -> Case:
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
    _audit_case(case, by=by, origin=origin, detail=_("保存期間の経過"), action=AuditEntry.Action.ANONYMIZE)
    return case


def cases_anonymize_expired(*, today: dt.date | None = None) -> int:
    """Anonymize the cases due for erasure (``Case.objects.due_for_erasure``): the retention period
    has passed since the closing date and the close has been on record for 30 days. Each case in its
    own transaction, claimed with SKIP LOCKED so two runs never work on the same case."""
    today = today or timezone.localdate()
    done = 0
    while True:
        with transaction.atomic():
            case = (
                Case.objects.due_for_erasure(today).select_for_update(skip_locked=True).order_by("pk").first()
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
                    "context": {"follow_ups": follow_ups, "day": day, "url": _url("consultations:case_list")},
                }

    return mail.send_all(batch())


def erasure_notices_send(*, day: dt.date) -> int:
    """匿名化の予定: mail city staff the cases the nightly run will anonymize within 30 days (case
    numbers, sites and dates; no names), once a day and only when there are some."""
    cases = list(selectors.cases_erased_soon(day=day))
    if not cases:
        return 0
    return mail.send_all(
        {
            "message": "consultations/erasure_notice",
            "recipient": user,
            "occasion": day.isoformat(),
            "context": {"cases": cases, "day": day},
        }
        for user in User.objects.filter(role=Role.CITY_STAFF, is_active=True)
    )


def _url(name: str) -> str:
    return mail.absolute_url(reverse(name))


def consultation_request_create(
    *, parent, site: UserSupportSite, worry: str, contact_by: str, phone: str = "", consented: bool
) -> ConsultationRequest:
    """相談の申し込み from a parent; it waits in the site's intake. Without the parent's consent to share
    it with the site's specialists nothing is saved."""
    if not consented:
        raise ValidationError({"consent": _("相談先に内容を伝えることへの同意が必要です。")})
    request = ConsultationRequest(
        parent=parent,
        site=site,
        worry=worry.strip(),
        contact_by=contact_by,
        phone=phone.strip(),
        consent_at=timezone.now(),
    )
    request.full_clean()
    request.save()
    return request


def consultation_request_take(*, request: ConsultationRequest, by, origin: Origin) -> ConsultationRequest:
    """受付: a specialist of the site takes up a pending request (recorded in the audit log)."""
    with transaction.atomic():
        request = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != ConsultationRequest.Status.PENDING:
            raise ValidationError(_("この申し込みはすでに対応済みです。"))
        request.status = ConsultationRequest.Status.TAKEN
        request.taken_by, request.taken_at = by, timezone.now()
        request.save(update_fields=["status", "taken_by", "taken_at"])
        _audit_case(
            request,
            by=by,
            origin=origin,
            detail=_("相談の申し込みを受付: %(request)s") % {"request": request},
        )
    return request
