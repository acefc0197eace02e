"""Pages of the specialist (case records), city staff (statistics, audit log).

Access is decided here on the server for every view and object: a specialist reaches only the
cases of their own site (404 for others), city staff only aggregates and the audit log.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from consultations import forms, selectors, services
from consultations.models import (
    Case,
    ConsultationRequest,
    FollowUp,
    Referral,
    Specialist,
    UserSupportSite,
)
from consultations.services import Household
from portal import audit
from portal.audit import Origin, get_or_refuse
from portal.models import AuditEntry, Role
from portal.permissions import parent_required, role_required
from portal.spreadsheets import csv_attachment

specialist_required = role_required(Role.SPECIALIST)
report_viewers = role_required(Role.SPECIALIST, Role.CITY_STAFF)
city_staff_required = role_required(Role.CITY_STAFF)


def _site(request: HttpRequest) -> UserSupportSite:
    site = selectors.site_for_specialist(request.user)
    if site is None:  # a specialist account not yet assigned to a site sees nothing
        raise PermissionDenied
    return site


def _get_case(request: HttpRequest, pk: int) -> Case:
    """The case if it belongs to the specialist's own site; 404 otherwise (and the attempt audited)."""
    cases = Case.objects.for_site(_site(request)).select_related("site__service", "area")
    return get_or_refuse(cases, request=request, pk=pk)


def _get_referral(request: HttpRequest, pk: int) -> Referral:
    referrals = Referral.objects.filter(case__site=_site(request)).select_related("case", "service")
    return get_or_refuse(referrals, request=request, pk=pk)


def _get_follow_up(request: HttpRequest, pk: int) -> FollowUp:
    follow_ups = FollowUp.objects.filter(case__site=_site(request)).select_related("case")
    return get_or_refuse(follow_ups, request=request, pk=pk)


def _audit(
    request: HttpRequest, action: str, *, case: Case | None = None, site=None, detail: str = ""
) -> None:
    audit.record(
        action=action,
        target=case or site,
        by=request.user,
        place=case.site if case else site,
        detail=detail,
        origin=Origin.of(request),
    )


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _refuse_read_only(request: HttpRequest, case: Case) -> HttpResponse | None:
    """終結・匿名化したケース: the page of a change is not even shown; the case page says why."""
    if case.is_read_only:
        messages.error(request, case.read_only_reason)
        return redirect("consultations:case_detail", pk=case.pk)
    return None


def _message_errors(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _message_form_errors(request: HttpRequest, form) -> None:
    """For the small forms on the case page, which redirect back instead of rendering the form."""
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))


# --- Specialist: cases -------------------------------------------------------------------------------


@specialist_required
def case_list(request: HttpRequest) -> HttpResponse:
    """相談記録: search the site's cases by name, reading or phone; my follow-ups due."""
    site = _site(request)
    query, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    if status not in Case.Status.values:
        status = ""
    page = Paginator(selectors.case_search(site=site, query=query, status=status), 30).get_page(
        request.GET.get("page")
    )
    _audit(
        request,
        AuditEntry.Action.READ,
        site=site,
        detail=_("一覧・検索: %(q)s") % {"q": query} if query else _("一覧"),
    )
    due = selectors.follow_ups_due(user=request.user, day=timezone.localdate())
    return render(
        request,
        "consultations/case_list.html",
        {
            "site": site,
            "page": page,
            "query": query,
            "status": status,
            "statuses": Case.Status.choices,
            "due": due,
            "is_lead": Specialist.objects.filter(user=request.user, site=site, is_lead=True).exists(),
        },
    )


@specialist_required
@vary_on_headers("HX-Request")
def contact_log(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """相談を記録: a new household (no ``pk``) or another contact in an existing case."""
    site = _site(request)
    case = _get_case(request, pk) if pk is not None else None
    if case is not None and (refused := _refuse_read_only(request, case)):
        return refused
    form = forms.ContactLogForm(request.POST or None, case=case)
    duplicates: list[Case] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = None
        if case is None:
            household = Household(
                guardian_name=data["guardian_name"],
                guardian_kana=data["guardian_kana"],
                phone=data["phone"],
                email=data["email"],
                child_name=data["child_name"],
                child_birth_date=data["child_birth_date"],
                due_date=data["due_date"],
                area=data["area"],
            )
        try:
            contact = services.contact_log(
                site=site,
                by=request.user,
                origin=Origin.of(request),
                case=case,
                household=household,
                contacted_at=data["contacted_at"],
                channel=data["channel"],
                needs=data["needs"],
                actions=data["actions"],
                notes=data["notes"],
                referral_service=data["referral_service"],
                referral_need=data["referral_need"],
                no_suitable_service=data["no_suitable_service"],
                follow_up_due_on=data["follow_up_due_on"],
                follow_up_description=data["follow_up_description"],
                save_anyway=data.get("save_anyway", False),
            )
        except services.PossibleDuplicate as error:
            duplicates = error.cases
            form.add_error(None, error.messages)
            _audit(request, AuditEntry.Action.READ, site=site, detail=_("重複の確認"))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("相談を記録しました。"))
            return redirect("consultations:case_detail", pk=contact.case_id)
    if case is not None:
        _audit(request, AuditEntry.Action.READ, case=case, detail=_("相談記録画面"))
    return render(
        request,
        "consultations/contact_log.html",
        {"form": form, "case": case, "site": site, "duplicates": duplicates, "on_save": bool(duplicates)},
    )


@specialist_required
@vary_on_headers("HX-Request")
def duplicates(request: HttpRequest) -> HttpResponse:
    """重複の可能性: households of this site with the same name, reading or phone (htmx hint)."""
    site = _site(request)
    cases = list(
        selectors.possible_duplicates(
            site=site,
            name=request.GET.get("guardian_name", "")[:100],
            kana=request.GET.get("guardian_kana", "")[:100],
            phone=request.GET.get("phone", "")[:30],
        )
    )
    if cases:
        _audit(request, AuditEntry.Action.READ, site=site, detail=_("重複の確認"))
    return render(request, "consultations/contact_log.html#duplicates", {"duplicates": cases})


@specialist_required
@vary_on_headers("HX-Request")
def service_options(request: HttpRequest) -> HttpResponse:
    """紹介先の検索: the referral select, narrowed to services matching the query (htmx)."""
    _site(request)
    form = forms.ContactLogForm(case=None)
    # Cut to the form field's max_length: the search's cost grows with the words.
    query = request.GET.get("referral_query", "")[:100]
    form.fields["referral_service"].queryset = selectors.referral_services(query)
    return render(request, "consultations/contact_log.html#service_select", {"form": form})


@specialist_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """ケースの経過: the timeline of one household."""
    case = _get_case(request, pk)
    _audit(request, AuditEntry.Action.READ, case=case)
    context = {
        "case": case,
        "guardians": case.guardians.all(),
        "children": case.children.all(),
        "timeline": selectors.case_timeline(case),
        "close_form": forms.CloseCaseForm(),
        "follow_up_form": forms.FollowUpForm(site=case.site, initial={"assignee": request.user}),
        "outcome_form": forms.ReferralOutcomeForm(),
        "merge_form": forms.MergeForm(),
        "today": timezone.localdate(),
    }
    return render(request, "consultations/case_detail.html", context)


@specialist_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """ケース情報の編集: guardians, children, area, pregnancy, account and booking consent."""
    case = _get_case(request, pk)
    if refused := _refuse_read_only(request, case):
        return refused
    data = request.POST or None
    form = forms.CaseForm(data, instance=case)
    guardians = forms.GuardianFormSet(data, instance=case, prefix="guardians")
    children = forms.ChildFormSet(data, instance=case, prefix="children")
    if request.method == "POST" and form.is_valid() and guardians.is_valid() and children.is_valid():
        with transaction.atomic():
            guardians.save()
            children.save()
            fields = {name: form.cleaned_data[name] for name in ("area", "due_date", "booking_consent_on")}
            fields["parent_account"] = form.instance.parent_account
            try:
                services.case_update(case=case, by=request.user, origin=Origin.of(request), fields=fields)
            except ValidationError as error:
                transaction.set_rollback(True)
                _add_errors(form, error)
        if not form.errors:
            messages.success(request, _("ケース情報を保存しました。"))
            return redirect("consultations:case_detail", pk=case.pk)
    else:
        _audit(request, AuditEntry.Action.READ, case=case, detail=_("編集画面"))
    return render(
        request,
        "consultations/case_edit.html",
        {"case": case, "form": form, "guardians": guardians, "children": children},
    )


@specialist_required
@require_POST
def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    form = forms.CloseCaseForm(request.POST)
    if form.is_valid():
        try:
            services.case_close(
                case=case,
                by=request.user,
                origin=Origin.of(request),
                reason=form.cleaned_data["reason"],
                closed_on=form.cleaned_data["closed_on"],
            )
        except ValidationError as error:
            _message_errors(request, error)
        else:
            messages.success(request, _("ケースを終結しました。"))
    else:
        _message_form_errors(request, form)
    return redirect("consultations:case_detail", pk=case.pk)


@specialist_required
@require_POST
def case_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    try:
        services.case_reopen(case=case, by=request.user, origin=Origin.of(request))
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, _("ケースを再開しました。"))
    return redirect("consultations:case_detail", pk=case.pk)


@specialist_required
def case_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """世帯の統合: move a duplicate case of the same site into this one (audited on both)."""
    case = _get_case(request, pk)
    if refused := _refuse_read_only(request, case):
        return refused
    form = forms.MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        source = Case.objects.for_site(case.site).filter(pk=form.cleaned_data["source"]).first()
        if source is None:
            form.add_error("source", _("この実施場所にその番号のケースはありません。"))
        else:
            try:
                services.case_merge(target=case, source=source, by=request.user, origin=Origin.of(request))
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("ケース %(number)s を統合しました。") % {"number": source.number})
                return redirect("consultations:case_detail", pk=case.pk)
    if request.method == "GET":
        _audit(request, AuditEntry.Action.READ, case=case, detail=_("統合の画面"))
    return render(request, "consultations/case_merge.html", {"case": case, "form": form})


@specialist_required
def referral_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    if refused := _refuse_read_only(request, case):
        return refused
    form = forms.ReferralForm(request.POST or None, initial={"referred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.referral_create(
                case=case,
                by=request.user,
                origin=Origin.of(request),
                need=form.cleaned_data["need"],
                service=None if form.cleaned_data["no_suitable_service"] else form.cleaned_data["service"],
                referred_on=form.cleaned_data["referred_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("紹介を記録しました。"))
            return redirect("consultations:case_detail", pk=case.pk)
    if request.method == "GET":
        _audit(request, AuditEntry.Action.READ, case=case, detail=_("紹介の記録画面"))
    return render(request, "consultations/referral_form.html", {"case": case, "form": form})


@specialist_required
@require_POST
def referral_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _get_referral(request, pk)
    form = forms.ReferralOutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.referral_record_outcome(
                referral=referral,
                by=request.user,
                origin=Origin.of(request),
                outcome=form.cleaned_data["outcome"],
                outcome_on=form.cleaned_data["outcome_on"],
            )
        except ValidationError as error:
            _message_errors(request, error)
        else:
            messages.success(request, _("紹介の結果を記録しました。"))
    else:
        _message_form_errors(request, form)
    return redirect("consultations:case_detail", pk=referral.case_id)


@specialist_required
def referral_book(request: HttpRequest, pk: int) -> HttpResponse:
    """代理予約: book a session of the referred service for the family (consent recorded)."""
    referral = _get_referral(request, pk)
    if referral.service is None:  # 「適切なサービスがない」: nothing to book
        raise Http404
    case = referral.case
    if refused := _refuse_read_only(request, case):
        return refused
    if not case.can_book_for_parent:
        messages.error(request, _("代理予約には、保護者のポータルのアカウントと同意の記録が必要です。"))
        return redirect("consultations:case_edit", pk=case.pk)
    sessions, children = selectors.booking_choices(referral)
    form = forms.BookingForm(request.POST or None, sessions=sessions, children=children)
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.referral_book(
                referral=referral, by=request.user, origin=Origin.of(request), **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("%(status)sで予約しました。") % {"status": booking.get_status_display()}
            )
            return redirect("consultations:case_detail", pk=case.pk)
    if request.method == "GET":
        _audit(request, AuditEntry.Action.READ, case=case, detail=_("代理予約の画面"))
    return render(
        request, "consultations/referral_book.html", {"referral": referral, "case": case, "form": form}
    )


@specialist_required
@require_POST
def follow_up_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _get_case(request, pk)
    form = forms.FollowUpForm(request.POST, site=case.site)
    if form.is_valid():
        try:
            services.follow_up_create(
                case=case, by=request.user, origin=Origin.of(request), **form.cleaned_data
            )
        except ValidationError as error:
            _message_errors(request, error)
        else:
            messages.success(request, _("フォローアップを追加しました。"))
    else:
        _message_form_errors(request, form)
    return redirect("consultations:case_detail", pk=case.pk)


@specialist_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    return _follow_up_change(request, pk, services.follow_up_complete, _("フォローアップを完了にしました。"))


@specialist_required
@require_POST
def follow_up_undo(request: HttpRequest, pk: int) -> HttpResponse:
    return _follow_up_change(
        request, pk, services.follow_up_reopen, _("フォローアップの完了を取り消しました。")
    )


@specialist_required
@require_POST
def follow_up_assign(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = _get_follow_up(request, pk)
    form = forms.FollowUpAssignForm(request.POST, site=follow_up.case.site)
    if not form.is_valid():
        _message_form_errors(request, form)
        return redirect("consultations:case_detail", pk=follow_up.case_id)
    return _follow_up_change(
        request,
        pk,
        functools.partial(services.follow_up_reassign, assignee=form.cleaned_data["assignee"]),
        _("フォローアップの担当を変更しました。"),
    )


def _follow_up_change(request: HttpRequest, pk: int, change, done_message: str) -> HttpResponse:
    """完了 / 取り消し, then back to where the button was (the case, the case list or the upcoming list)."""
    follow_up = _get_follow_up(request, pk)
    try:
        change(follow_up=follow_up, by=request.user, origin=Origin.of(request))
    except ValidationError as error:
        _message_errors(request, error)
    else:
        messages.success(request, done_message)
    back = {"list": "consultations:case_list", "follow_ups": "consultations:follow_ups"}
    if request.POST.get("next") in back:
        return redirect(back[request.POST["next"]])
    return redirect("consultations:case_detail", pk=follow_up.case_id)


@specialist_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    """フォローアップの予定: my open follow-ups (overdue first, then the coming ones) and the ones I
    completed in the last 7 days, which can be undone."""
    site = _site(request)
    today = timezone.localdate()
    upcoming = selectors.follow_ups_open(user=request.user, site=site)
    recently_done = selectors.follow_ups_done_recently(
        user=request.user, site=site, since=today - dt.timedelta(days=7)
    )
    _audit(request, AuditEntry.Action.READ, site=site, detail=_("フォローアップの予定"))
    return render(
        request,
        "consultations/follow_ups.html",
        {"upcoming": upcoming, "recently_done": recently_done, "today": today},
    )


@specialist_required
def cooperation(request: HttpRequest) -> HttpResponse:
    """地域連携の記録: only for sites whose type does regional cooperation (基本型)."""
    if not selectors.may_record_cooperation(request.user):
        raise PermissionDenied
    site = _site(request)
    form = forms.CooperationActivityForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.cooperation_activity_create(site=site, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("地域連携の記録を追加しました。"))
            return redirect("consultations:cooperation")
    activities = site.cooperation_activities.all()[:100]
    return render(
        request, "consultations/cooperation.html", {"site": site, "form": form, "activities": activities}
    )


# --- Oversight: the site lead and city staff ---------------------------------------------------------


@report_viewers
def supervisor(request: HttpRequest) -> HttpResponse:
    """監督ビュー: a site's open cases, overdue follow-ups per specialist and referrals awaiting an
    outcome. The site's lead specialist (主任) sees their own site; city staff choose a site."""
    if request.user.role == Role.CITY_STAFF:
        sites = UserSupportSite.objects.select_related("service")
        form = forms.SiteChoiceForm(request.GET or None, sites=sites)
        site = form.cleaned_data["site"] if form.is_valid() else sites.first()
    else:
        site, form = _site(request), None
        if not Specialist.objects.filter(user=request.user, site=site, is_lead=True).exists():
            raise PermissionDenied
    overview = selectors.site_overview(site=site, day=timezone.localdate()) if site else None
    if site is not None:
        _audit(request, AuditEntry.Action.READ, site=site, detail=_("監督ビュー"))
    return render(
        request,
        "consultations/supervisor.html",
        {"form": form, "overview": overview, "links": request.user.role == Role.SPECIALIST},
    )


@city_staff_required
def erasures(request: HttpRequest) -> HttpResponse:
    """匿名化の予定: the cases the nightly run will anonymize within 30 days, before it does."""
    cases = selectors.cases_erased_soon(day=timezone.localdate())
    return render(
        request, "consultations/erasures.html", {"cases": cases, "grace_days": Case.ERASURE_GRACE_DAYS}
    )


# --- Statistics (specialists: own site; city staff: every site and city-wide) -----------------------


def _report_from_request(request: HttpRequest) -> tuple[forms.ReportFilterForm, selectors.MonthlyReport]:
    if request.user.role == Role.CITY_STAFF:
        sites = UserSupportSite.objects.select_related("service")
        own_site = None
    else:
        own_site = _site(request)
        sites = None
    default_month = selectors.previous_month(timezone.localdate())
    form = forms.ReportFilterForm(request.GET or None, sites=sites, initial={"month": default_month})
    month, site = default_month, own_site
    if form.is_bound and form.is_valid():
        month = form.cleaned_data["month"]
        if sites is not None:
            site = form.cleaned_data["site"]
    return form, selectors.monthly_report(month=month, site=site)


@report_viewers
def report(request: HttpRequest) -> HttpResponse:
    """相談統計: the monthly report with a bar chart (table + CSS bars)."""
    form, monthly = _report_from_request(request)
    return render(request, "consultations/report.html", {"form": form, "report": monthly})


@report_viewers
def report_csv(request: HttpRequest) -> HttpResponse:
    form, monthly = _report_from_request(request)
    _audit(
        request,
        AuditEntry.Action.EXPORT,
        site=monthly.site,
        detail=_("月次統計CSV %(month)s") % {"month": f"{monthly.month:%Y-%m}"},
    )
    response = csv_attachment(
        filename=f"consultations-{monthly.month:%Y-%m}-{monthly.site.pk if monthly.site else 'city'}.csv"
    )
    response.write(monthly.as_csv())
    return response


# --- City staff: audit log ---------------------------------------------------------------------------


@city_staff_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """監査ログ: who read, changed or was refused which record, in every app. Read-only for everyone."""
    form = forms.AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.select_related("by")
    if form.is_valid():
        data = form.cleaned_data
        if data["by"]:
            entries = entries.filter(by__email__icontains=data["by"])
        if data["case"]:
            entries = entries.filter(target_type=Case._meta.label_lower, target_id=data["case"])
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["target_type"]:
            entries = entries.filter(target_type=data["target_type"])
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, tz))
        if data["date_to"]:
            entries = entries.filter(
                at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tz)
            )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "consultations/audit_log.html", {"form": form, "page": page, "query": query.urlencode()}
    )


# --- Parents: asking for a consultation --------------------------------------------------------------


@parent_required
@require_http_methods(["GET", "POST"])
def consultation_request(request: HttpRequest) -> HttpResponse:
    """相談を申し込む: a parent asks a site's specialists for a consultation, no child profile needed."""
    form = forms.ConsultationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consultation_request_create(
                parent=request.user,
                site=data["site"],
                worry=data["worry"],
                contact_by=data["contact_by"],
                phone=data["phone"],
                consented=data["consent"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("相談の申し込みを受け付けました。相談先の利用者支援専門員から連絡します。")
            )
            return redirect("consultations:request")
    sent = request.user.consultation_requests.select_related("site__service").order_by("-created_at")
    return render(request, "consultations/request_form.html", {"form": form, "sent": sent})


# --- Specialist: intake of parents' requests ---------------------------------------------------------


@specialist_required
def request_intake(request: HttpRequest) -> HttpResponse:
    """受付: the parents' consultation requests waiting at the specialist's own site."""
    site = _site(request)
    pending = site.requests.filter(status=ConsultationRequest.Status.PENDING).select_related("parent")
    _audit(request, AuditEntry.Action.READ, site=site, detail=_("相談の申し込み（受付）"))
    return render(request, "consultations/request_intake.html", {"site": site, "pending": pending})


@specialist_required
@require_POST
def request_take(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a request of the own site as taken up (404 for other sites' requests)."""
    consultation = get_or_refuse(
        ConsultationRequest.objects.filter(site=_site(request)), request=request, pk=pk
    )
    try:
        services.consultation_request_take(request=consultation, by=request.user, origin=Origin.of(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("対応済みにしました。相談記録に記録してください。"))
    return redirect("consultations:request_intake")
