"""Pages of 一括登録・出力 (city staff), the open-data file and the read-only directory API (public)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from facilities import exporting, import_batches, import_steps, importing
from facilities.import_forms import CategoryChoiceForm, ColumnMappingForm, UploadForm
from facilities.models import Category, ImportBatch
from portal.permissions import city_staff_required
from portal.spreadsheets import csv_response

# Rows of a report shown on the page (the full counts are always shown).
SHOWN_ROWS = 500
API_PAGE_SIZE = 50
OPEN_DATA_SECONDS = 60 * 60
API_SECONDS = 5 * 60
EXPORT_FILENAME = "kosodate-shisetsu"


def _get_batch(request: HttpRequest, pk: int) -> ImportBatch:
    """A batch of the signed-in clerk; 404 for another clerk's upload. The file itself (up to 20 MB) stays
    in the database: the page polls every 2 seconds while a step runs."""
    return get_object_or_404(ImportBatch.objects.defer("data"), pk=pk, created_by=request.user)


@city_staff_required
@require_http_methods(["GET", "POST"])
def import_start(request: HttpRequest) -> HttpResponse:
    """一括登録: upload a file; it is checked (nothing saved) and shown before anything is imported."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_batches.batch_create(by=request.user, filename=upload.name, data=upload.read())
        except importing.FileProblem as problem:
            form.add_error("file", problem.message)
        else:
            if batch.status == ImportBatch.Status.NEEDS_MAPPING:
                return redirect("facilities:import_columns", pk=batch.pk)
            return redirect("facilities:import_batch", pk=batch.pk)
    batches = ImportBatch.objects.filter(created_by=request.user).defer("data", "report")[:10]
    status = 400 if form.errors else 200
    return render(request, "facilities/import.html", {"form": form, "batches": batches}, status=status)


@city_staff_required
@vary_on_headers("HX-Request")
def import_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview (確認結果) or the progress of a batch; the progress part refreshes itself."""
    batch = _get_batch(request, pk)
    if batch.status == ImportBatch.Status.NEEDS_MAPPING:
        return redirect("facilities:import_columns", pk=batch.pk)
    report = importing.Report.from_dict(batch.report)
    done, total = import_steps.batch_progress(batch)
    context = {
        "batch": batch,
        "report": report,
        "held": [dict(item, reason_text=importing.reason_text(item)) for item in report.held[:SHOWN_ROWS]],
        "notes": [
            dict(item, reason_text=importing.reason_text(item), register_url=hub_application_url(item))
            for item in report.notes[:SHOWN_ROWS]
        ],
        "changes": report.changes[:SHOWN_ROWS],
        "done": done,
        "total": total,
        "percent": 100 if not total else min(100, done * 100 // total),
        "mapped_by_hand": importing.standard_mapping(batch.report.get("header", [])) is None,
        "category_form": CategoryChoiceForm(labels=report.unknown_categories)
        if report.unknown_categories
        else None,
    }
    if request.htmx and batch.running:
        return render(request, "facilities/import_batch.html#progress", context)
    if request.htmx:
        # The step finished: the whole page changes, so the browser loads it.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "facilities/import_batch.html", context)


@city_staff_required
@require_http_methods(["GET", "POST"])
def import_columns(request: HttpRequest, pk: int) -> HttpResponse:
    """列の対応: a layout the portal does not know; the clerk maps each column once."""
    batch = _get_batch(request, pk)
    if batch.status not in {ImportBatch.Status.NEEDS_MAPPING, ImportBatch.Status.PREVIEW}:
        return redirect("facilities:import_batch", pk=batch.pk)
    header = batch.report.get("header", [])
    if importing.standard_mapping(header) is not None:
        return redirect("facilities:import_batch", pk=batch.pk)  # a standard layout needs no mapping
    form = ColumnMappingForm(
        request.POST or None, header=header, saved=batch.mapping, sample=batch.report.get("sample")
    )
    if request.method == "POST" and form.is_valid():
        import_batches.batch_map_columns(batch=batch, mapping=form.mapping())
        return redirect("facilities:import_batch", pk=batch.pk)
    status = 400 if form.errors else 200
    return render(request, "facilities/import_columns.html", {"batch": batch, "form": form}, status=status)


@city_staff_required
@require_POST
def import_categories(request: HttpRequest, pk: int) -> HttpResponse:
    """種別の読み替え: the clerk picks a category for each unknown 種別, then the file is checked again."""
    batch = _get_batch(request, pk)
    labels = batch.report.get("unknown_categories", [])
    form = CategoryChoiceForm(request.POST, labels=labels)
    if batch.status != ImportBatch.Status.PREVIEW or not form.is_valid():
        messages.error(request, _("種別を選んでから「読み替えを保存」を押してください。"))
        return redirect("facilities:import_batch", pk=batch.pk)
    import_batches.batch_map_categories(batch=batch, choices=form.choices())
    return redirect("facilities:import_batch", pk=batch.pk)


@city_staff_required
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The one button: import the checked file, all rows or none."""
    batch = _get_batch(request, pk)
    if not import_batches.batch_confirm(batch=batch):
        messages.error(request, _("保留の行があるか、すでに登録を始めたファイルです。"))
    return redirect("facilities:import_batch", pk=batch.pk)


@city_staff_required
def import_help(request: HttpRequest) -> HttpResponse:
    """The clerk's help: columns of both layouts, the notations understood, the mapping tables."""
    context = {
        "current_layout": list(importing.CURRENT_LAYOUT),
        "earlier_names": importing.EARLIER_NAMES,
        "extension_columns": importing.EXTENSION_COLUMNS,
        # A reason's parameters (the rules a schedule breaks) are only known for a row.
        "reasons": [re.sub(r"%\(\w+\)s", "…", str(reason)) for reason in importing.REASONS.values()],
        "categories": Category.objects.prefetch_related("categorylabel_set"),
        "max_rows": importing.MAX_ROWS,
    }
    return render(request, "facilities/import_help.html", context)


@city_staff_required
@require_GET
def export_csv(_request: HttpRequest) -> HttpResponse:
    """一括出力: every entry (hidden ones too) in the current layout plus 拡張_ columns; imports back."""
    return _csv_response(public=False)


@city_staff_required
@require_GET
def export_xlsx(_request: HttpRequest) -> HttpResponse:
    return _xlsx_response(public=False)


def _csv_response(*, public: bool) -> HttpResponse:
    return csv_response(
        filename=EXPORT_FILENAME + ".csv",
        header=exporting.export_header(public=public),
        rows=exporting.export_rows(public=public),
    )


def _xlsx_response(*, public: bool) -> HttpResponse:
    filename = EXPORT_FILENAME + ".xlsx"
    response = HttpResponse(
        exporting.xlsx_bytes(exporting.export_header(public=public), exporting.export_rows(public=public)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@require_GET
@cache_control(public=True, max_age=OPEN_DATA_SECONDS)
def open_data_csv(_request: HttpRequest) -> HttpResponse:
    """オープンデータ: the city's current list, what parents may see, in the standard columns."""
    return _csv_response(public=True)


@require_GET
@cache_control(public=True, max_age=OPEN_DATA_SECONDS)
def open_data_xlsx(_request: HttpRequest) -> HttpResponse:
    return _xlsx_response(public=True)


def _hsds_page(request: HttpRequest, queryset: QuerySet, serialize: Callable[[Any], dict]) -> JsonResponse:
    """One page in HSDS 3's envelope (total_items, page_number, contents …), 50 a page."""
    page = Paginator(queryset, API_PAGE_SIZE).get_page(request.GET.get("page"))
    body = {
        "total_items": page.paginator.count,
        "total_pages": page.paginator.num_pages,
        "page_number": page.number,
        "size": len(page.object_list),
        "first_page": page.number == 1,
        "last_page": not page.has_next(),
        "empty": not page.object_list,
        "contents": [serialize(item) for item in page.object_list],
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@require_GET
@cache_control(public=True, max_age=API_SECONDS)
def api_services(request: HttpRequest) -> JsonResponse:
    """Read-only directory API after Open Referral HSDS 3: services with their organization, location
    and schedules, paginated, only what parents may see."""
    base = request.build_absolute_uri("/").rstrip("/")
    return _hsds_page(
        request, exporting.export_services(public=True), lambda s: exporting.hsds_service(s, base)
    )


@require_GET
@cache_control(public=True, max_age=API_SECONDS)
def api_service(request: HttpRequest, pk: int) -> JsonResponse:
    service = get_object_or_404(exporting.export_services(public=True), pk=pk)
    body = exporting.hsds_service(service, request.build_absolute_uri("/").rstrip("/"))
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


@require_GET
@cache_control(public=True, max_age=API_SECONDS)
def api_organizations(request: HttpRequest) -> JsonResponse:
    return _hsds_page(request, exporting.public_organizations(), exporting.hsds_organization)


@require_GET
@cache_control(public=True, max_age=API_SECONDS)
def api_locations(request: HttpRequest) -> JsonResponse:
    return _hsds_page(request, exporting.public_locations(), exporting.hsds_location)


def hub_application_url(item: dict) -> str:
    """For a new hub's row: the registry's application form (申請中) prefilled with what the file says.
    The registry checks the national rules there, with the staff and hours the clerk adds."""
    if item["reason"] != "hub_new" or not item.get("params"):
        return ""
    filled = {f"service-{key}": value for key, value in item["params"].items() if value}
    return f"{reverse('hubs:register')}?{urlencode(filled)}"
