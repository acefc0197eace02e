from __future__ import annotations

from django.urls import path

from consultations import views

app_name = "consultations"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("log/", views.contact_log, name="contact_log"),
    path("log/duplicates/", views.duplicates, name="duplicates"),
    path("log/services/", views.service_options, name="service_options"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:pk>/log/", views.contact_log, name="contact_add"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", views.case_reopen, name="case_reopen"),
    path("cases/<int:pk>/merge/", views.case_merge, name="case_merge"),
    path("cases/<int:pk>/referrals/new/", views.referral_add, name="referral_add"),
    path("cases/<int:pk>/follow-ups/new/", views.follow_up_add, name="follow_up_add"),
    path("referrals/<int:pk>/outcome/", views.referral_outcome, name="referral_outcome"),
    path("referrals/<int:pk>/book/", views.referral_book, name="referral_book"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("follow-ups/<int:pk>/undo/", views.follow_up_undo, name="follow_up_undo"),
    path("follow-ups/<int:pk>/assign/", views.follow_up_assign, name="follow_up_assign"),
    path("supervisor/", views.supervisor, name="supervisor"),
    path("erasures/", views.erasures, name="erasures"),
    path("cooperation/", views.cooperation, name="cooperation"),
    path("reports/", views.report, name="report"),
    path("reports/csv/", views.report_csv, name="report_csv"),
    path("audit/", views.audit_log, name="audit_log"),
    path("request/", views.consultation_request, name="request"),
    path("intake/", views.request_intake, name="request_intake"),
    path("intake/<int:pk>/take/", views.request_take, name="request_take"),
]
