from __future__ import annotations

from django.urls import path

from hubs import city, views

app_name = "hubs"

urlpatterns = [
    path("", views.registry, name="registry"),
    path("mine/", views.my_hub, name="my_hub"),
    path("new/", views.register, name="register"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/propose/", views.propose, name="propose"),
    path("<int:pk>/transition/", views.transition, name="transition"),
    path("<int:pk>/popups/new/", views.popup_add, name="popup_add"),
    path("popups/<int:pk>/dates/", views.popup_dates_add, name="popup_dates_add"),
    path("popup-dates/<int:pk>/", views.popup_date, name="popup_date"),
    path("<int:pk>/reports/", views.report_list, name="report_list"),
    path("<int:pk>/reports/<int:year>-<int:month>/", views.report_edit, name="report_edit"),
    path("changes/<int:pk>/decide/", views.change_decide, name="change_decide"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("city/", city.overview, name="city_overview"),
    path("city/annual.csv", city.annual_csv, name="annual_csv"),
]
