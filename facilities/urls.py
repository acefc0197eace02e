from __future__ import annotations

from django.urls import path

from facilities import import_views, views

app_name = "facilities"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("situations/", views.situations, name="situations"),
    path("staff/search-misses/", views.search_misses, name="search_misses"),
    path("staff/directory/import/", import_views.import_start, name="import"),
    path("staff/directory/import/help/", import_views.import_help, name="import_help"),
    path("staff/directory/import/<int:pk>/", import_views.import_batch, name="import_batch"),
    path("staff/directory/import/<int:pk>/columns/", import_views.import_columns, name="import_columns"),
    path(
        "staff/directory/import/<int:pk>/categories/",
        import_views.import_categories,
        name="import_categories",
    ),
    path("staff/directory/import/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("staff/directory/export.csv", import_views.export_csv, name="export"),
    path("staff/directory/export.xlsx", import_views.export_xlsx, name="export_xlsx"),
    path("opendata/kosodate-shisetsu.csv", import_views.open_data_csv, name="open_data_csv"),
    path("opendata/kosodate-shisetsu.xlsx", import_views.open_data_xlsx, name="open_data_xlsx"),
    path("api/hsds/services/", import_views.api_services, name="api_services"),
    path("api/hsds/services/<int:pk>/", import_views.api_service, name="api_service"),
    path("api/hsds/organizations/", import_views.api_organizations, name="api_organizations"),
    path("api/hsds/locations/", import_views.api_locations, name="api_locations"),
]
