"""Pages of the hub registry: city staff keep the records, hub staff report on their own hub."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from facilities.models import Service, SpecialHours
from hubs import rules, selectors, services
from hubs.forms import (
    HUB_FIELDS,
    ContactForm,
    DecisionForm,
    HubForm,
    MonthForm,
    OperatorForm,
    PlaceForm,
    PopupDateForm,
    PopupDatesForm,
    PopupForm,
    ReportForm,
    ServiceForm,
    TransitionForm,
    WithdrawForm,
    as_typed,
    error_summary,
    periods_from,
    row_added,
    schedule_formsets,
    staff_from,
)
from hubs.models import Hub, HubChangeRequest, MonthlyReport, PopupPlaza, first_of_month, month_too_early
from hubs.prefill import Difference, recorded_differences, report_prefill
from portal import dates
from portal.models import Role
from portal.permissions import city_staff_required, role_required

hub_people_required = role_required(Role.CITY_STAFF, Role.HUB_STAFF)


def _get_hub_for_user(request: HttpRequest, pk: int) -> Hub:
    """The hub if this user may work on it; 404 for other people's hubs."""
    return get_object_or_404(selectors.hubs_with_schedule().for_user(request.user), pk=pk)


def _rule_sections(error: ValidationError) -> dict[str, list[str]]:
    """Rule messages grouped by the part of the form they are about (each rule knows its section)."""
    sections: dict[str, list[str]] = {}
    for item in error.error_list:
        sections.setdefault(rules.section_of(item), []).extend(item.messages)
    return sections


@hub_people_required
def registry(request: HttpRequest) -> HttpResponse:
    """拠点一覧: every hub for city staff (filter by status and type), one's own hub for hub staff."""
    hubs = selectors.hubs_with_schedule().for_user(request.user)
    status, hub_type = request.GET.get("status", ""), request.GET.get("type", "")
    if status in Hub.Status.values:
        hubs = hubs.filter(status=status)
    if hub_type in Hub.Type.values:
        hubs = hubs.filter(hub_type=hub_type)
    context = {
        "hubs": hubs,
        "status": status,
        "hub_type": hub_type,
        "statuses": Hub.Status.choices,
        "types": Hub.Type.choices,
        "pending_changes": HubChangeRequest.objects.filter(status=HubChangeRequest.Status.PENDING)
        .select_related("hub__service")
        .filter(hub__in=hubs),
    }
    template = "hubs/registry.html#results" if request.htmx else "hubs/registry.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@role_required(Role.HUB_STAFF)
def my_hub(request: HttpRequest) -> HttpResponse:
    hub = selectors.hub_for_staff(request.user)
    if hub is None:
        raise Http404(_("担当の拠点が登録されていません。市の担当者にお問い合わせください。"))
    return redirect("hubs:detail", pk=hub.pk)


def _posted(request: HttpRequest) -> tuple[QueryDict | None, bool]:
    """(data, adding a row): the POST data, with one more row when 「行を追加」 was pressed; None on GET."""
    if request.method != "POST":
        return None, False
    added = row_added(request.POST)
    return (added, True) if added is not None else (request.POST, False)


def _hub_form_render(request: HttpRequest, context: dict, *, posted: bool, adding: bool) -> HttpResponse:
    """The hub form page; after 「行を追加」 everything is shown as typed, without error messages."""
    if adding:
        for item in context["form_items"]:
            as_typed(item)
    context["field_errors"] = error_summary(*context["form_items"]) if posted and not adding else []
    context["staff_rule"] = rules.staff_rule_text(rules.in_force())
    context["rules_source"] = rules.in_force().source
    status = 400 if posted and not adding else 200
    return render(request, "hubs/hub_form.html", context, status=status)


def _hub_form_page(request: HttpRequest, *, hub: Hub | None) -> HttpResponse:
    """Register (hub is None) or edit a hub: entry, operator, place, type and add-ons, hours, staff."""
    data, adding = _posted(request)
    service = hub.service if hub else None
    forms = {
        "service": ServiceForm(data, instance=service, prefix="service"),
        "operator": OperatorForm(
            data, prefix="op", initial={"organization": service and service.organization_id}
        ),
        "place": PlaceForm(data, prefix="place", initial={"location": service and service.location_id}),
        "hub_form": HubForm(
            data, prefix="hub", initial=model_to_dict(hub, fields=HUB_FIELDS) if hub else None
        ),
    }
    hours, staff = schedule_formsets(data, hub)
    sections: dict[str, list[str]] = {}
    ready = data is not None and not adding
    if ready and all(f.is_valid() for f in forms.values()) & hours.is_valid() & staff.is_valid():
        new_service = forms["service"].save(commit=False)
        new_service.organization = forms["operator"].resolve()
        new_service.location = forms["place"].resolve()
        new_hub = forms["hub_form"].apply_to(hub or Hub())
        new_hub.service = new_service
        try:
            if hub is None:
                new_hub = services.hub_register(
                    by=request.user,
                    service=new_service,
                    hub=new_hub,
                    periods=periods_from(hours),
                    staff=staff_from(staff),
                )
                messages.success(request, _("拠点を登録しました（申請中）。審査を進めると承認できます。"))
            else:
                services.hub_update(
                    by=request.user, hub=new_hub, periods=periods_from(hours), staff=staff_from(staff)
                )
                messages.success(request, _("拠点の情報を更新しました。案内の掲載にも反映されています。"))
            return redirect("hubs:detail", pk=new_hub.pk)
        except ValidationError as error:
            sections = _rule_sections(error)
    context = {
        **forms,
        "hub": hub,
        "hours": hours,
        "staff": staff,
        "sections": sections,
        "mode": "edit",
        "form_items": [*forms.values(), hours, staff],
        "map_center": selectors.map_center(),
        "tile_url": settings.MAP_TILE_URL,
    }
    return _hub_form_render(request, context, posted=data is not None, adding=adding)


@city_staff_required
def register(request: HttpRequest) -> HttpResponse:
    return _hub_form_page(request, hub=None)


@city_staff_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _hub_form_page(request, hub=_get_hub_for_user(request, pk))


@role_required(Role.HUB_STAFF)
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    """変更の申し出: hub staff propose contact details, hours and staff; city staff decide."""
    hub = _get_hub_for_user(request, pk)
    data, adding = _posted(request)
    contact = ContactForm(
        data, instance=Service(**{f: getattr(hub.service, f) for f in ContactForm.Meta.fields})
    )
    hours, staff = schedule_formsets(data, hub)
    sections: dict[str, list[str]] = {}
    if data is not None and not adding and contact.is_valid() & hours.is_valid() & staff.is_valid():
        proposal = {f: contact.cleaned_data[f] for f in ContactForm.Meta.fields}
        proposal["hours"] = [
            [p.weekday, f"{p.opens_at:%H:%M}", f"{p.closes_at:%H:%M}"] for p in periods_from(hours)
        ]
        proposal["staff"] = [list(entry) for entry in staff_from(staff)]
        try:
            services.hub_change_propose(
                by=request.user, hub=hub, data=proposal, note=contact.cleaned_data["note"]
            )
            messages.success(request, _("変更を申し出ました。市の担当者が確認すると反映されます。"))
            return redirect("hubs:detail", pk=hub.pk)
        except ValidationError as error:
            sections = _rule_sections(error)
    context = {
        "contact": contact,
        "hub": hub,
        "hours": hours,
        "staff": staff,
        "sections": sections,
        "mode": "propose",
        "form_items": [contact, hours, staff],
    }
    return _hub_form_render(request, context, posted=data is not None, adding=adding)


@hub_people_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    hub = _get_hub_for_user(request, pk)
    context = {
        "hub": hub,
        "is_city": request.user.role == Role.CITY_STAFF,
        "transition_form": TransitionForm(hub=hub),
        "transitions": hub.transitions.select_related("by"),
        "popups": hub.popups.select_related("service__location").prefetch_related("service__special_hours"),
        "today": timezone.localdate(),
        "changes": hub.change_requests.select_related("proposed_by", "decided_by"),
        "history": hub.history.select_related("history_user")[:20],
        "reports": hub.reports.all()[:12],
        "decision_form": DecisionForm(accept_label=_("反映する"), reject_label=_("見送る")),
    }
    return render(request, "hubs/detail.html", context)


@require_POST
@city_staff_required
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    hub = _get_hub_for_user(request, pk)
    form = TransitionForm(request.POST, hub=hub)
    if form.is_valid():
        try:
            services.hub_transition(
                by=request.user,
                hub=hub,
                to_status=form.cleaned_data["to_status"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("状態を変更しました。"))
            return redirect("hubs:detail", pk=hub.pk)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
    return render(request, "hubs/transition.html", {"hub": hub, "form": form}, status=400)


@require_POST
@city_staff_required
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(HubChangeRequest.objects.select_related("hub__service"), pk=pk)
    form = DecisionForm(request.POST, accept_label=_("反映する"), reject_label=_("見送る"))
    if form.is_valid():
        try:
            services.hub_change_decide(
                by=request.user,
                change=change,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("申し出を確認しました。"))
            return redirect("hubs:detail", pk=change.hub_id)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
    return render(request, "hubs/change_decide.html", {"change": change, "form": form}, status=400)


def _popup_page(
    request: HttpRequest, *, hub: Hub, form, create, popup: PopupPlaza | None = None
) -> HttpResponse:
    """Shared by adding a 出張ひろば and adding dates to one: validate, call ``create``, show errors."""
    if request.method == "POST" and form.is_valid():
        try:
            create(form)
            messages.success(request, _("出張ひろばの日付を登録しました。"))
            return redirect("hubs:detail", pk=hub.pk)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
    status = 400 if request.method == "POST" else 200
    context = {
        "hub": hub,
        "popup": popup,
        "form": form,
        "popup_rule": rules.popup_rule_text(rules.in_force()),
        "rules_source": rules.in_force().source,
    }
    return render(request, "hubs/popup_form.html", context, status=status)


@hub_people_required
def popup_add(request: HttpRequest, pk: int) -> HttpResponse:
    """出張ひろばの登録 (city staff or the hub's own staff): place, dates and hours."""
    hub = _get_hub_for_user(request, pk)
    return _popup_page(
        request,
        hub=hub,
        form=PopupForm(request.POST or None),
        create=lambda form: services.popup_create(
            by=request.user, hub=hub, location=form.cleaned_data["location"], days=form.days()
        ),
    )


@hub_people_required
def popup_dates_add(request: HttpRequest, pk: int) -> HttpResponse:
    """More dates for a 出張ひろば; checked with every date of the hub."""
    popup = get_object_or_404(
        PopupPlaza.objects.select_related("hub__service", "service").filter(
            hub__in=Hub.objects.for_user(request.user)
        ),
        pk=pk,
    )
    return _popup_page(
        request,
        hub=popup.hub,
        popup=popup,
        form=PopupDatesForm(request.POST or None),
        create=lambda form: services.popup_dates_add(by=request.user, popup=popup, days=form.days()),
    )


@hub_people_required
def popup_date(request: HttpRequest, pk: int) -> HttpResponse:
    """Change or withdraw one coming 出張ひろば date; booked parents are told."""
    day = get_object_or_404(
        SpecialHours.objects.select_related("service__popup_plaza__hub__service").filter(
            service__popup_plaza__hub__in=Hub.objects.for_user(request.user),
            is_closed=False,
            date__gte=timezone.localdate(),
        ),
        pk=pk,
    )
    hub = day.service.popup_plaza.hub
    action = request.POST.get("action") if request.method == "POST" else None
    change = PopupDateForm(
        request.POST if action == "change" else None,
        prefix="change",
        initial={"date": day.date, "opens_at": day.opens_at, "closes_at": day.closes_at},
    )
    withdraw = WithdrawForm(request.POST if action == "withdraw" else None, prefix="withdraw")
    form = change if action == "change" else withdraw
    if action and form.is_valid():
        try:
            if action == "change":
                services.popup_date_change(
                    by=request.user, popup_day=day, day=change.day(), reason=change.cleaned_data["reason"]
                )
                messages.success(request, _("出張ひろばの日付を変更しました。予約した方にお知らせします。"))
            else:
                services.popup_date_withdraw(
                    by=request.user, popup_day=day, reason=withdraw.cleaned_data["reason"]
                )
                messages.success(request, _("出張ひろばの日付を取り下げました。予約した方にお知らせします。"))
            return redirect("hubs:detail", pk=hub.pk)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
    context = {"hub": hub, "day": day, "change": change, "withdraw": withdraw}
    return render(request, "hubs/popup_date.html", context, status=400 if action else 200)


@hub_people_required
def report_list(request: HttpRequest, pk: int) -> HttpResponse:
    """Reports of one hub; hub staff pick a month to file."""
    hub = _get_hub_for_user(request, pk)
    form = MonthForm(request.GET or None, initial={"month": selectors.month_due(hub)})
    if request.GET and form.is_valid():
        month = form.cleaned_data["month"]
        if month < dates.FLOOR:
            form.add_error("month", month_too_early())
        elif month <= first_of_month(timezone.localdate()):
            return redirect("hubs:report_edit", pk=hub.pk, year=month.year, month=month.month)
        else:
            form.add_error("month", _("まだ来ていない月の報告は作れません。"))
    context = {
        "hub": hub,
        "reports": hub.reports.all(),
        "form": form,
        "can_file": request.user.role == Role.HUB_STAFF,
    }
    return render(request, "hubs/report_list.html", context, status=400 if form.errors else 200)


@role_required(Role.HUB_STAFF)
def report_edit(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """Hub staff fill in (prefilled), correct and submit one month's report."""
    hub = _get_hub_for_user(request, pk)
    try:
        month_start = dt.date(year, month, 1)
    except (ValueError, OverflowError):  # a month 13 or a year past C's int (the URL takes any digits)
        raise Http404 from None
    if month_start < dates.FLOOR:  # no page links there, and the prefill cannot count year 1
        raise Http404
    report = MonthlyReport.objects.filter(hub=hub, month=month_start).first()
    if report is None:
        report = MonthlyReport(hub=hub, month=month_start, **report_prefill(hub, month_start))
    elif not report.is_editable:
        return redirect("hubs:report_detail", pk=report.pk)
    form = ReportForm(request.POST or None, instance=report)
    differences: list[Difference] = []
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST or "submit_anyway" in request.POST
        draft = form.save(commit=False)
        if submit and "submit_anyway" not in request.POST:
            differences = recorded_differences(draft)
        if not differences:
            try:
                report = services.report_save(by=request.user, report=draft, submit=submit)
                messages.success(
                    request, _("報告を提出しました。") if submit else _("下書きを保存しました。")
                )
                return redirect("hubs:report_detail", pk=report.pk)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
    status = 400 if form.errors else 200
    context = {"hub": hub, "form": form, "report": report, "differences": differences}
    return render(request, "hubs/report_form.html", context, status=status)


@hub_people_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        MonthlyReport.objects.select_related("hub__service").filter(
            hub__in=Hub.objects.for_user(request.user)
        ),
        pk=pk,
    )
    form = DecisionForm(accept_label=_("受理する"), reject_label=_("差し戻す"))
    context = {
        "report": report,
        "hub": report.hub,
        "form": form,
        "is_city": request.user.role == Role.CITY_STAFF,
    }
    return render(request, "hubs/report_detail.html", context)


@require_POST
@city_staff_required
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(MonthlyReport.objects.select_related("hub__service"), pk=pk)
    form = DecisionForm(request.POST, accept_label=_("受理する"), reject_label=_("差し戻す"))
    if form.is_valid():
        try:
            services.report_review(
                by=request.user,
                report=report,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, _("報告を確認しました。"))
            return redirect("hubs:report_detail", pk=report.pk)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
    context = {"report": report, "hub": report.hub, "form": form, "is_city": True}
    return render(request, "hubs/report_detail.html", context, status=400)
