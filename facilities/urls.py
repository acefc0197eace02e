from __future__ import annotations

from django.urls import path

from facilities import views

app_name = "facilities"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("situations/", views.situations, name="situations"),
    path("staff/directory/import/", views.import_csv, name="import"),
    path("staff/directory/export.csv", views.export_csv, name="export"),
    path("staff/search-misses/", views.search_misses, name="search_misses"),
]
