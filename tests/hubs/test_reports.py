"""Monthly reports (月次実績報告): prefilled, corrected, submitted by hub staff, reviewed by the city."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from facilities.models import SpecialHours
from hubs.city import fiscal_year_of
from hubs.forms import ReportForm
from hubs.models import Hub, MonthlyReport, PopupPlaza
from hubs.prefill import booked_attendance, report_prefill
from portal.dates import FLOOR, add_months
from tests.hubs.factories import HubFactory

pytestmark = pytest.mark.django_db

FIELDS = {  # every declared count (a new statistic starts at 0 here), then the ones these tests use
    **dict.fromkeys(MonthlyReport.count_fields(), 0),
    "days_opened": 20,
    "parents": 150,
    "children_age0": 60,
    "children_age1": 50,
    "children_age2": 30,
    "children_age3_plus": 20,
    "consultations": 12,
    "courses_held": 2,
    "course_attendance": 25,
    "popup_days": 0,
    "popup_users": 0,
    "community_activities": 0,
    "note": "",
}


def last_month() -> dt.date:
    return add_months(timezone.localdate().replace(day=1), -1)


def as_recorded(hub, month, **changes) -> dict:
    """The form data with the counts the portal recorded, so submitting raises no warning."""
    return {**FIELDS, **report_prefill(hub, month), **changes}


def url(hub, month):
    return reverse("hubs:report_edit", args=[hub.pk, month.year, month.month])


def test_prefill_counts_open_days_from_the_schedule_less_closed_dates():
    hub = HubFactory(hours=[0, 2, 4])  # Mon, Wed, Fri
    june = dt.date(2026, 6, 1)  # June 2026: 5 Mondays, 4 Wednesdays, 4 Fridays
    assert report_prefill(hub, june)["days_opened"] == 13
    SpecialHours.objects.create(service=hub.service, date=dt.date(2026, 6, 1), is_closed=True)
    SpecialHours.objects.create(
        service=hub.service, date=dt.date(2026, 6, 6), opens_at=dt.time(10), closes_at=dt.time(15)
    )
    assert report_prefill(hub, june)["days_opened"] == 13  # one closed Monday, one extra Saturday


def test_prefill_counts_popup_dates_of_the_month(city_staff):

    hub = HubFactory(addon_popup=True)
    popup = PopupPlaza.objects.create(hub=hub, service=HubFactory().service)
    SpecialHours.objects.bulk_create(  # dates of months past, as registered back then
        SpecialHours(
            service=popup.service,
            date=dt.date(2026, 6, 2) + dt.timedelta(weeks=w),
            opens_at=dt.time(10),
            closes_at=dt.time(15),
        )
        for w in range(6)
    )
    assert report_prefill(hub, dt.date(2026, 6, 1))["popup_days"] == 5
    assert report_prefill(hub, dt.date(2026, 7, 1))["popup_days"] == 1


def test_booked_attendance_counts_attended_bookings_of_sessions_in_the_month(parent):
    from django.apps import apps

    session_model = apps.get_model("bookings", "Session")
    booking_model = apps.get_model("bookings", "Booking")
    hub = HubFactory()
    start = timezone.make_aware(dt.datetime(2026, 6, 10, 10))
    common = {
        "service": hub.service,
        "capacity": 10,
        "opens_at": start - dt.timedelta(days=10),
        "closes_at": start - dt.timedelta(days=1),
        "cancel_cutoff": start - dt.timedelta(days=1),
    }
    held = session_model.objects.create(starts_at=start, ends_at=start + dt.timedelta(hours=1), **common)
    session_model.objects.create(
        starts_at=start + dt.timedelta(days=1),
        ends_at=start + dt.timedelta(days=1, hours=1),
        status="cancelled",
        **common,
    )
    for attended in (True, True, False):
        booking_model.objects.create(
            session=held, walk_in_name="来場者", status="confirmed", attended=attended
        )
    assert booked_attendance([hub.service_id], dt.date(2026, 6, 1)) == {hub.service_id: (1, 2)}
    assert report_prefill(hub, dt.date(2026, 6, 1))["course_attendance"] == 2
    assert booked_attendance([hub.service_id], dt.date(2026, 7, 1)) == {}


def test_hub_staff_see_a_prefilled_form_then_submit(staff_client, own_hub, hub_staff):
    month = last_month()
    response = staff_client.get(url(own_hub, month))
    assert response.status_code == 200
    assert response.context["form"].initial["days_opened"] == report_prefill(own_hub, month)["days_opened"]
    response = staff_client.post(url(own_hub, month), as_recorded(own_hub, month, submit="1"))
    report = MonthlyReport.objects.get(hub=own_hub, month=month)
    assert response.status_code == 302
    assert report.status == MonthlyReport.Status.SUBMITTED and report.submitted_by == hub_staff
    assert report.total_users == 150 + 160
    # a submitted report is frozen: the edit page shows it instead
    assert staff_client.get(url(own_hub, month)).url == reverse("hubs:report_detail", args=[report.pk])


def test_saving_a_draft_keeps_it_editable(staff_client, own_hub):
    month = last_month()
    staff_client.post(url(own_hub, month), {**FIELDS, "save": "1"})
    assert MonthlyReport.objects.get().status == MonthlyReport.Status.DRAFT
    staff_client.post(url(own_hub, month), as_recorded(own_hub, month, parents=151, submit="1"))
    report = MonthlyReport.objects.get()
    assert report.parents == 151 and report.status == MonthlyReport.Status.SUBMITTED


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"parents": -1}, "0"),
        ({"days_opened": 32}, "開設日数がその月の日数を超えています"),
        ({"courses_held": 0, "course_attendance": 3}, "講習等を実施していない月に参加者数は入れられません"),
        ({"popup_users": 5}, "出張ひろばを開設していない月に利用者数は入れられません"),
        ({"parents": "たくさん"}, "整数"),
    ],
)
def test_bad_counts_are_refused_and_nothing_saved(staff_client, own_hub, bad, message):
    response = staff_client.post(url(own_hub, last_month()), {**FIELDS, **bad, "submit": "1"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_a_report_for_a_future_month_is_refused(staff_client, own_hub):
    future = add_months(timezone.localdate().replace(day=1), 1)
    response = staff_client.post(url(own_hub, future), {**FIELDS, "submit": "1"})
    assert response.status_code == 400
    assert "まだ来ていない月の報告は作れません" in response.content.decode()
    assert not MonthlyReport.objects.exists()
    picked = staff_client.get(reverse("hubs:report_list", args=[own_hub.pk]), {"month": f"{future:%Y-%m}"})
    assert picked.status_code == 400 and "まだ来ていない月" in picked.content.decode()


def test_picking_a_month_opens_its_report(staff_client, own_hub):
    month = last_month()
    response = staff_client.get(reverse("hubs:report_list", args=[own_hub.pk]), {"month": f"{month:%Y-%m}"})
    assert response.url == url(own_hub, month)


def test_an_impossible_month_is_404(staff_client, own_hub):
    assert staff_client.get(reverse("hubs:report_edit", args=[own_hub.pk, 2026, 13])).status_code == 404


def test_reports_of_another_hub_are_404(staff_client):
    other = HubFactory()
    report = MonthlyReport.objects.create(
        hub=other, month=last_month(), **{k: v for k, v in FIELDS.items() if k != "note"}
    )
    assert staff_client.get(url(other, last_month())).status_code == 404
    assert staff_client.post(url(other, last_month()), {**FIELDS, "submit": "1"}).status_code == 404
    assert staff_client.get(reverse("hubs:report_detail", args=[report.pk])).status_code == 404


def _submitted(hub, **extra):
    values = {k: v for k, v in FIELDS.items() if k != "note"} | extra
    return MonthlyReport.objects.create(hub=hub, month=last_month(), status="submitted", **values)


def test_city_staff_accept_or_return_with_a_comment(city_client, city_staff):
    report = _submitted(HubFactory())
    assert (
        city_client.post(reverse("hubs:report_review", args=[report.pk]), {"decision": "reject"}).status_code
        == 400
    )
    city_client.post(
        reverse("hubs:report_review", args=[report.pk]), {"decision": "reject", "comment": "相談件数を確認"}
    )
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.RETURNED and report.review_comment == "相談件数を確認"
    assert report.is_editable


def test_hub_staff_correct_a_returned_report(staff_client, own_hub):
    report = _submitted(own_hub)
    report.status = MonthlyReport.Status.RETURNED
    report.save()
    staff_client.post(
        url(own_hub, report.month), as_recorded(own_hub, report.month, consultations=14, submit="1")
    )
    report.refresh_from_db()
    assert report.status == MonthlyReport.Status.SUBMITTED and report.consultations == 14


def test_accepting_only_a_submitted_report(city_client):
    report = _submitted(HubFactory())
    city_client.post(reverse("hubs:report_review", args=[report.pk]), {"decision": "accept"})
    assert MonthlyReport.objects.get().status == MonthlyReport.Status.ACCEPTED
    again = city_client.post(reverse("hubs:report_review", args=[report.pk]), {"decision": "accept"})
    assert again.status_code == 400


def test_a_month_without_courses_is_flagged(city_client):
    report = _submitted(HubFactory(), courses_held=0, course_attendance=0)
    assert report.no_courses
    response = city_client.get(reverse("hubs:report_detail", args=[report.pk]))
    assert "この月は講習等を実施していません" in response.content.decode()


def _course_with_attendees(hub, month: dt.date, attendees: int) -> None:
    from facilities.bookings.models import Booking
    from tests.bookings.factories import SessionFactory

    start = timezone.make_aware(dt.datetime.combine(month.replace(day=10), dt.time(10)))
    session = SessionFactory(service=hub.service, starts_at=start)
    for _ in range(attendees):
        Booking.objects.create(session=session, walk_in_name="来場者", status="confirmed", attended=True)


def test_submitting_counts_that_differ_from_the_records_warns_first_and_saves_nothing(staff_client, own_hub):
    month = last_month()
    _course_with_attendees(own_hub, month, 3)
    data = as_recorded(own_hub, month, courses_held=0, course_attendance=0, submit="1")
    response = staff_client.post(url(own_hub, month), data)
    body = response.content.decode()
    assert response.status_code == 200 and "ポータルの記録と違う数があります" in body
    assert all(str(MonthlyReport.label(name)) in body for name in ("courses_held", "course_attendance"))
    assert not MonthlyReport.objects.exists()
    assert 'name="courses_held" value="0"' in body  # what was typed is kept

    del data["submit"]
    response = staff_client.post(url(own_hub, month), {**data, "submit_anyway": "1"})
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.status == MonthlyReport.Status.SUBMITTED and report.courses_held == 0


def test_a_draft_is_saved_without_the_warning(staff_client, own_hub):
    month = last_month()
    _course_with_attendees(own_hub, month, 3)
    data = as_recorded(own_hub, month, courses_held=0, course_attendance=0, save="1")
    assert staff_client.post(url(own_hub, month), data).status_code == 302
    assert MonthlyReport.objects.get().status == MonthlyReport.Status.DRAFT


def test_the_month_to_file_is_preselected(staff_client, own_hub, city_staff):
    from hubs import services

    services.hub_transition(by=city_staff, hub=own_hub, to_status=Hub.Status.UNDER_REVIEW)
    services.hub_transition(by=city_staff, hub=own_hub, to_status=Hub.Status.APPROVED)
    response = staff_client.get(reverse("hubs:report_list", args=[own_hub.pk]))
    assert f'value="{last_month():%Y-%m}"' in response.content.decode()


def test_every_count_of_the_model_is_declared_once_and_drives_form_detail_and_csv(city_client):
    counts = [
        f.name
        for f in MonthlyReport._meta.fields
        if isinstance(f, models.PositiveIntegerField | models.PositiveSmallIntegerField)
    ]
    declared = MonthlyReport.count_fields()
    assert sorted(declared) == sorted(counts) and len(set(declared)) == len(declared)
    form = ReportForm()
    assert [[f.name for f in fields] for _legend, fields in form.fieldsets()] == [
        list(g.fields) for g in MonthlyReport.GROUPS
    ]
    report = _submitted(HubFactory(status=Hub.Status.APPROVED))
    detail = city_client.get(reverse("hubs:report_detail", args=[report.pk])).content.decode()
    csv_text = city_client.get(
        reverse("hubs:annual_csv"), {"year": fiscal_year_of(report.month)}
    ).content.decode()
    for name in declared:
        assert str(MonthlyReport.label(name)) in detail and str(MonthlyReport.label(name)) in csv_text


def test_a_report_for_a_month_before_any_record_is_refused(staff_client, own_hub):
    for too_early in (add_months(FLOOR, -1), dt.date(1, 1, 1)):
        assert staff_client.post(url(own_hub, too_early), {**FIELDS, "submit": "1"}).status_code == 404
    report = MonthlyReport(
        hub=own_hub, month=add_months(FLOOR, -1), **{k: v for k, v in FIELDS.items() if k != "note"}
    )
    with pytest.raises(ValidationError, match=f"{FLOOR:%Y-%m} より前の月"):
        report.full_clean()  # the model refuses it on every path (admin, imports)
    assert not MonthlyReport.objects.exists()
    picked = staff_client.get(reverse("hubs:report_list", args=[own_hub.pk]), {"month": "0001-01"})
    assert picked.status_code == 400 and f"{FLOOR:%Y-%m} より前の月" in picked.content.decode()
    assert staff_client.post(url(own_hub, FLOOR), as_recorded(own_hub, FLOOR, save="1")).status_code == 302
