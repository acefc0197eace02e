"""予約の画面. Parents: sessions, booking, my bookings, children. Staff: rosters, sessions, series."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from facilities.bookings import kinds, selectors, services
from facilities.bookings.emails import booking_ics
from facilities.bookings.forms import (
    AttendanceForm,
    BookForm,
    CapacityForm,
    ChildBirthForm,
    ChildForm,
    SeriesForm,
    SessionCancelForm,
    SessionForm,
    WalkInForm,
)
from facilities.bookings.models import Booking, Child, Session
from facilities.models import Service, age_text
from portal.audit import get_or_refuse
from portal.models import Role
from portal.permissions import parent_required, staff_required
from portal.redirects import next_url


def _get_public_session(pk: int) -> Session:
    """A session of a service parents may see (404 otherwise), with seats annotated."""
    visible = Service.objects.visible_to_parents()
    return get_object_or_404(
        Session.objects.with_seats()
        .select_related("service__location", "specialist")
        .filter(service__in=visible),
        pk=pk,
    )


# The getters below reach personal data (a family's bookings and children, a roster): an object
# outside the user's scope answers 404 and the attempt is audited (portal.audit.get_or_refuse).


def _get_booking_for_parent(request: HttpRequest, pk: int) -> Booking:
    return get_or_refuse(selectors.parent_bookings(request.user), request=request, pk=pk)


def _get_child_for_parent(request: HttpRequest, pk: int) -> Child:
    return get_or_refuse(Child.objects.filter(parent=request.user), request=request, pk=pk)


def _get_session_for_staff(request: HttpRequest, pk: int) -> Session:
    sessions = selectors.managed_sessions(request.user).with_seats().select_related("service", "specialist")
    return get_or_refuse(sessions, request=request, pk=pk)


def _get_booking_for_staff(request: HttpRequest, pk: int) -> Booking:
    bookings = Booking.objects.filter(session__in=selectors.managed_sessions(request.user))
    return get_or_refuse(bookings, request=request, pk=pk)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the form: field errors on their fields, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _htmx_aware(request: HttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    name = f"{template}#{partial}" if request.htmx else template
    response = render(request, name, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


# --- Parents ---------------------------------------------------------------------------------------


def service_sessions(request: HttpRequest, service_id: int) -> HttpResponse:
    """予約できる回: all upcoming sessions of a service (the service page shows the first few)."""
    service = get_object_or_404(
        Service.objects.visible_to_parents().select_related("location"), pk=service_id
    )
    limit = request.GET.get("limit", "")
    context = {"service": service, "session_limit": min(int(limit), 100) if limit.isdigit() else 0}
    return _htmx_aware(request, "bookings/service_sessions.html", "list", context)


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """回の詳細: seats left, and for a signed-in parent the choice of child."""
    session = _get_public_session(pk)
    context: dict = {"session": session, "problem": session.booking_problem()}
    if request.user.is_authenticated and request.user.role == Role.PARENT:
        eligible, ineligible = selectors.eligible_children(request.user, session)
        form = BookForm(
            parent=request.user,
            session=session,
            initial={"child": eligible[0].pk if len(eligible) == 1 else None},
        )
        form.fields["child"].queryset = Child.objects.filter(pk__in=[c.pk for c in eligible])
        context |= {"form": form, "eligible": eligible, "ineligible": ineligible}
    return _htmx_aware(request, "bookings/session_detail.html", "seats", context)


@parent_required
def booking_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """予約内容の確認 (GET, with the chosen child) and 予約する (POST)."""
    session = _get_public_session(pk)
    data = request.POST if request.method == "POST" else request.GET
    form = BookForm(data, parent=request.user, session=session)
    if not form.is_valid():
        messages.error(request, _error_text(ValidationError(list(form.errors.get("child", [])))))
        return _go(request, reverse("bookings:session_detail", args=[session.pk]))
    child = form.cleaned_data["child"]
    if request.method == "POST":
        try:
            booking = services.booking_create(session=session, parent=request.user, child=child)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return _go(request, reverse("bookings:session_detail", args=[session.pk]))
        if booking.is_repeat:
            messages.info(request, _("このお子さんはこの回をすでに予約しています。"))
        return _go(request, reverse("bookings:booking_detail", args=[booking.pk]))
    context = {"session": session, "child": child, "problem": session.booking_problem()}
    return render(request, "bookings/booking_confirm.html", context)


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; an htmx request gets a full-page redirect rather than a page swapped into the form."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@parent_required
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _get_booking_for_parent(request, pk)
    return render(request, "bookings/booking_detail.html", {"booking": booking, "now": timezone.now()})


@parent_required
def my_bookings(request: HttpRequest) -> HttpResponse:
    """予約の確認: upcoming and past bookings of the signed-in parent."""
    now = timezone.now()
    bookings = list(selectors.parent_bookings(request.user))
    upcoming = [b for b in bookings if b.session.ends_at > now and b.status != Booking.Status.CANCELLED]
    past = [b for b in bookings if b not in upcoming]
    past.reverse()
    return render(request, "bookings/my_bookings.html", {"upcoming": upcoming, "past": past, "now": now})


@parent_required
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _get_booking_for_parent(request, pk)
    if request.method == "POST":
        try:
            services.booking_cancel(booking=booking, by=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("bookings:booking_detail", pk=booking.pk)
        messages.success(request, _("予約をキャンセルしました。"))
        return redirect("bookings:my_bookings")
    return render(request, "bookings/booking_cancel.html", {"booking": booking, "now": timezone.now()})


@parent_required
def booking_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """予定表ファイル (.ics) of one booking."""
    booking = _get_booking_for_parent(request, pk)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
    return response


@parent_required
def child_list(request: HttpRequest) -> HttpResponse:
    children = Child.objects.filter(parent=request.user)
    today = timezone.localdate()
    rows = [
        (child, None if child.is_pregnancy else age_text(child.age_months_on(today))) for child in children
    ]
    return render(request, "bookings/child_list.html", {"rows": rows, "next": next_url(request)})


@parent_required
def child_create(request: HttpRequest) -> HttpResponse:
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.child_create(
            parent=request.user,
            nickname=data["nickname"],
            birth_date=data["birth_date"],
            is_pregnancy=data["is_pregnancy"],
            due_date=data["due_date"],
        )
        messages.success(request, _("登録しました。"))
        return redirect(next_url(request) or "bookings:child_list")
    return render(request, "bookings/child_form.html", {"form": form, "next": next_url(request)})


@parent_required
def child_born(request: HttpRequest, pk: int) -> HttpResponse:
    """出産の登録: turn a pregnancy profile into the child's (offered once the due date has passed)."""
    child = get_object_or_404(Child.objects.filter(parent=request.user, is_pregnancy=True), pk=pk)
    form = ChildBirthForm(request.POST or None, initial={"birth_date": child.due_date})
    if request.method == "POST" and form.is_valid():
        try:
            services.child_record_birth(child=child, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("お子さんの情報に切り替えました。"))
            return redirect("bookings:child_list")
    return render(request, "bookings/child_born.html", {"form": form, "child": child})


@parent_required
def child_edit(request: HttpRequest, pk: int) -> HttpResponse:
    child = _get_child_for_parent(request, pk)
    form = ChildForm(request.POST or None, instance=Child.objects.get(pk=child.pk))
    if request.method == "POST" and form.is_valid():
        services.child_update(child=child, **{k: form.cleaned_data[k] for k in ChildForm.Meta.fields})
        messages.success(request, _("変更しました。"))
        return redirect("bookings:child_list")
    return render(request, "bookings/child_form.html", {"form": form, "child": child, "next": ""})


# --- Staff -----------------------------------------------------------------------------------------


@staff_required
def staff_sessions(request: HttpRequest) -> HttpResponse:
    """予約枠の管理: the sessions the staff member runs from today on, or (``?past=1``) those of the
    last days, to record attendance afterwards."""
    past = request.GET.get("past") == "1"
    sessions = selectors.staff_session_list(request.user, past=past)
    context = {"sessions": sessions, "past": past, "days_back": selectors.ROSTER_DAYS_BACK}
    return render(request, "bookings/staff_sessions.html", context)


def _create_sessions(request: HttpRequest, form_class: type[SessionForm], template: str) -> HttpResponse:
    services_qs = selectors.manageable_services(request.user)
    form = form_class(request.POST or None, services=services_qs, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        policy = kinds.policy_for(data["kind"])
        common = {
            "service": data["service"],
            "kind": policy.value,
            "title": data["title"],
            "capacity": data.get("capacity"),
            "place": data["place"],
            # Only specialists may create the kinds run by a specialist (SessionForm's choices).
            "specialist": request.user if policy.has_specialist else None,
            "by": request.user,
        }
        try:
            if form_class is SeriesForm:
                series = services.series_create(
                    weekday=data["weekday"],
                    start_time=data["start_time"],
                    end_time=data["end_time"],
                    first_date=data["first_date"],
                    last_date=data["last_date"],
                    **common,
                )
                messages.success(
                    request, _("%(n)d 回の予約枠を作りました。") % {"n": series.sessions.count()}
                )
                return redirect("bookings:staff_sessions")
            tz = timezone.get_current_timezone()
            session = services.session_create(
                starts_at=dt.datetime.combine(data["date"], data["start_time"], tzinfo=tz),
                ends_at=dt.datetime.combine(data["date"], data["end_time"], tzinfo=tz),
                **common,
            )
            messages.success(request, _("予約枠を作りました。"))
            return redirect("bookings:roster", pk=session.pk)
        except ValidationError as error:
            _add_errors(form, error)
    return render(request, template, {"form": form})


@staff_required
def session_create(request: HttpRequest) -> HttpResponse:
    return _create_sessions(request, SessionForm, "bookings/session_form.html")


@staff_required
def series_create(request: HttpRequest) -> HttpResponse:
    return _create_sessions(request, SeriesForm, "bookings/series_form.html")


@staff_required
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    """名簿: bookings of one session, attendance, walk-ins, capacity."""
    session = _get_session_for_staff(request, pk)
    context = {
        "session": session,
        "bookings": selectors.roster(session),
        "capacity_form": CapacityForm(initial={"capacity": session.capacity}),
        "walk_in_form": WalkInForm(),
        "today": timezone.localdate(),
    }
    return _htmx_aware(request, "bookings/roster.html", "roster", context)


@staff_required
@require_POST
def attendance_mark(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _get_booking_for_staff(request, pk)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.booking_mark_attendance(booking=booking, attended=form.cleaned_data["attended"])
        except ValidationError as error:
            messages.error(request, _error_text(error))
    else:
        messages.error(request, _("出欠の値が正しくありません。"))
    return _roster_after_post(request, booking.session_id)


def _roster_after_post(request: HttpRequest, session_id: int) -> HttpResponse:
    if request.htmx:
        return roster(request, session_id)
    return redirect("bookings:roster", pk=session_id)


@staff_required
@require_POST
def walk_in_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session_for_staff(request, pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            services.walk_in_add(session=session, name=form.cleaned_data["name"], by=request.user)
            messages.success(request, _("当日参加を追加しました。"))
        except ValidationError as error:
            messages.error(request, _error_text(error))
    else:
        messages.error(request, _error_text(ValidationError(list(form.errors.get("name", [])))))
    return redirect("bookings:roster", pk=session.pk)


@staff_required
@require_POST
def session_capacity(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_session_for_staff(request, pk)
    form = CapacityForm(request.POST)
    if form.is_valid():
        try:
            services.session_set_capacity(
                session=session, capacity=form.cleaned_data["capacity"], by=request.user
            )
            messages.success(request, _("定員を変更しました。"))
        except ValidationError as error:
            messages.error(request, _error_text(error))
    else:
        messages.error(request, _("定員は1から500の数字で入れてください。"))
    return redirect("bookings:roster", pk=session.pk)


@staff_required
def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """回の中止 (one date of a series, or a single session), with a reason mailed to every parent."""
    session = _get_session_for_staff(request, pk)
    form = SessionCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_cancel(session=session, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error("reason", error.message_dict.get("reason"))
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("この回を中止し、予約した方にお知らせしました。"))
            return redirect("bookings:roster", pk=session.pk)
    return render(request, "bookings/session_cancel.html", {"session": session, "form": form})
