from __future__ import annotations

from django.urls import path

from facilities.bookings import views

app_name = "bookings"

urlpatterns = [
    path("", views.my_bookings, name="my_bookings"),
    path("<int:pk>/", views.booking_detail, name="booking_detail"),
    path("<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("<int:pk>/calendar.ics", views.booking_calendar, name="booking_calendar"),
    path("services/<int:service_id>/sessions/", views.service_sessions, name="service_sessions"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/book/", views.booking_confirm, name="booking_confirm"),
    path("children/", views.child_list, name="child_list"),
    path("children/new/", views.child_create, name="child_create"),
    path("children/<int:pk>/edit/", views.child_edit, name="child_edit"),
    path("children/<int:pk>/born/", views.child_born, name="child_born"),
    path("staff/", views.staff_sessions, name="staff_sessions"),
    path("staff/sessions/new/", views.session_create, name="session_create"),
    path("staff/series/new/", views.series_create, name="series_create"),
    path("staff/sessions/<int:pk>/", views.roster, name="roster"),
    path("staff/sessions/<int:pk>/capacity/", views.session_capacity, name="session_capacity"),
    path("staff/sessions/<int:pk>/walk-in/", views.walk_in_add, name="walk_in_add"),
    path("staff/sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("staff/bookings/<int:pk>/attendance/", views.attendance_mark, name="attendance_mark"),
]
