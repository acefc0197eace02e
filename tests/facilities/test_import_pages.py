"""The staff pages of 一括登録 (upload → preview → one button), the mapping steps, and the public
open-data file and directory API."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from facilities.models import CategoryLabel, ColumnMapping, ImportBatch, Service
from portal.models import Role
from tests.conftest import make_user
from tests.facilities.factories import ServiceFactory
from tests.facilities.import_files import HALL, KINDERGARTEN, NURSERY, csv_bytes, current_table

IMPORT = reverse("facilities:import")

# A nursery-map CSV as civic-tech groups publish them: English headers, its own notation.
NURSERY_MAP = (
    "name,type,address,lat,lng,tel,open,close,opening_days,age\r\n"
    "Aozora Nursery あおぞら保育園,認可保育所,みどり市南町2-2,35.670000,139.770000,03-1111-2222,7:30,18:30,月-土,0歳から5歳\r\n"
).encode()


@pytest.fixture
def city_client(client, city_staff):
    client.force_login(city_staff)
    return client


@pytest.fixture(autouse=True)
def _tasks_run(django_capture_on_commit_callbacks, monkeypatch):
    """Each POST's tasks run once its transaction commits (enqueued with on_commit), as in production."""
    from django.test import Client

    post = Client.post

    def post_then_run_tasks(self, *args, follow=False, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            response = post(self, *args, **kwargs)
        if follow and response.status_code == 302:
            return self.get(response["Location"], follow=True)
        return response

    monkeypatch.setattr(Client, "post", post_then_run_tasks)


def upload(client, data: bytes, name: str = "list.csv"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)}, follow=True)


def test_only_city_staff_reach_the_import_pages(client, parent, hub_staff):
    assert client.get(IMPORT).status_code == 302  # to the login page
    for user in (parent, hub_staff):
        client.force_login(user)
        assert client.get(IMPORT).status_code == 403
        assert client.get(reverse("facilities:export")).status_code == 403
        assert client.get(reverse("facilities:import_help")).status_code == 403


def test_upload_previews_then_one_button_imports(city_client):
    response = upload(city_client, csv_bytes(current_table([NURSERY, KINDERGARTEN, HALL])))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PREVIEW
    assert Service.objects.count() == 0  # the preview saved nothing
    html = response.content.decode()
    assert "確認結果（まだ登録していません）" in html and "3行をまとめて登録する" in html
    response = city_client.post(reverse("facilities:import_confirm", args=[batch.pk]), follow=True)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert Service.objects.count() == 3
    assert bytes(batch.data) == b""  # the file is not kept once imported
    assert "登録しました" in response.content.decode()
    # The button does nothing a second time (the batch is no longer a preview).
    city_client.post(reverse("facilities:import_confirm", args=[batch.pk]))
    assert Service.objects.count() == 3


def test_held_rows_are_listed_and_the_button_is_not_offered(city_client):
    row = {**NURSERY, "利用可能曜日": "第2火曜", "緯度": "139.76", "経度": "35.68"}
    html = upload(city_client, csv_bytes(current_table([row]))).content.decode()
    assert "第2火曜" in html and "曜日を読めません" in html
    assert "緯度と経度が入れ替わっています" in html
    assert "まとめて登録する" not in html
    batch = ImportBatch.objects.get()
    city_client.post(reverse("facilities:import_confirm", args=[batch.pk]))
    assert Service.objects.count() == 0


def test_an_unknown_type_is_mapped_from_the_preview_and_remembered(city_client):
    row = {**NURSERY, "種別": "企業主導型保育事業"}
    html = upload(city_client, csv_bytes(current_table([row]))).content.decode()
    assert "分からない種別" in html and "企業主導型保育事業" in html
    batch = ImportBatch.objects.get()
    nursery = Service._meta.get_field("category").related_model.objects.get(slug="nursery")
    city_client.post(reverse("facilities:import_categories", args=[batch.pk]), {"label_0": nursery.pk})
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW and batch.report["counts"]["hold"] == 0
    assert CategoryLabel.objects.get(label="企業主導型保育事業").category == nursery


def test_a_nursery_map_csv_goes_through_the_column_mapping_once(city_client):
    response = upload(city_client, NURSERY_MAP, "nursery-map.csv")
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.NEEDS_MAPPING
    html = response.content.decode()
    assert "列の対応" in html
    assert 'value="latitude" selected' in html  # "lat" guessed, for the clerk to confirm
    assert "例: 35.670000" in html  # the file's own values next to each column
    mapping = {
        "column_0": "name",
        "column_1": "category",
        "column_2": "address",
        "column_3": "latitude",
        "column_4": "longitude",
        "column_5": "phone",
        "column_6": "opens",
        "column_7": "closes",
        "column_8": "days",
        "column_9": "ages",
    }
    city_client.post(reverse("facilities:import_columns", args=[batch.pk]), mapping)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW, batch.report
    city_client.post(reverse("facilities:import_confirm", args=[batch.pk]))
    service = Service.objects.get()
    assert service.name == "Aozora Nursery あおぞら保育園"
    assert sorted({h.weekday for h in service.weekly_hours.all()}) == [0, 1, 2, 3, 4, 5]
    assert (service.min_age_months, service.max_age_months) == (0, 72)
    assert ColumnMapping.objects.count() == 1
    upload(city_client, NURSERY_MAP, "nursery-map-2.csv")  # same header: no mapping step again
    again = ImportBatch.objects.latest("pk")
    assert again.status == ImportBatch.Status.PREVIEW
    assert again.report["counts"]["unchanged"] == 1  # no ID column: found again by name and address


def test_a_mapping_without_a_name_column_is_refused_with_a_message(city_client):
    upload(city_client, NURSERY_MAP, "nursery-map.csv")
    batch = ImportBatch.objects.get()
    response = city_client.post(
        reverse("facilities:import_columns", args=[batch.pk]), {"column_2": "address"}
    )
    assert response.status_code == 400
    assert "「名称」にする列を選んでください。" in response.content.decode()
    assert not ColumnMapping.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "ファイルが空です。"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "NUL"),
        ("ID,名称,種別,所在地_連結表記\r\n".encode(), "見出しの行しかありません。"),
    ],
)
def test_a_bad_file_is_refused_on_the_page_with_a_message(city_client, data, message):
    response = city_client.post(IMPORT, {"file": SimpleUploadedFile("bad.csv", data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_another_clerks_batch_is_not_found(client, city_staff):
    client.force_login(city_staff)
    upload(client, csv_bytes(current_table([NURSERY])))
    batch = ImportBatch.objects.get()
    other = make_user("city2@example.test", Role.CITY_STAFF)
    client.force_login(other)
    assert client.get(reverse("facilities:import_batch", args=[batch.pk])).status_code == 404
    assert client.post(reverse("facilities:import_confirm", args=[batch.pk])).status_code == 404


def test_progress_is_shown_while_a_step_runs(city_client, city_staff):
    batch = ImportBatch.objects.create(
        created_by=city_staff,
        filename="big.csv",
        data=b"",
        total_rows=10_000,
        status=ImportBatch.Status.CHECKING,
    )
    html = city_client.get(reverse("facilities:import_batch", args=[batch.pk])).content.decode()
    assert "<progress" in html and 'http-equiv="refresh"' in html  # works without JavaScript too
    partial = city_client.get(
        reverse("facilities:import_batch", args=[batch.pk]), headers={"HX-Request": "true"}
    )
    assert "<progress" in partial.content.decode() and "<html" not in partial.content.decode()


def test_the_help_page_lists_columns_notations_and_mappings(city_client):
    html = city_client.get(reverse("facilities:import_help")).content.decode()
    for text in (
        "所在地_連結表記",
        "都道府県コード又は市区町村コード",
        "月～金",
        "1歳クラスから",
        "認可私立保育所",
    ):
        assert text in html


def test_the_service_page_shows_what_the_list_said(city_client, client):
    row = {**NURSERY, "備考": "<script>alert(1)</script>"}
    upload(city_client, csv_bytes(current_table([row])))
    city_client.post(reverse("facilities:import_confirm", args=[ImportBatch.objects.get().pk]))
    service = Service.objects.get()
    html = client.get(service.get_absolute_url()).content.decode()
    for text in (
        "生後57日から",
        "土曜日は17時まで",
        "さくらビル2階",
        "60人",
        "費用は掲載されていません",
        "未確認",
    ):
        assert text in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


# --- open data ---------------------------------------------------------------------------------------------


def test_open_data_is_public_cacheable_and_only_what_parents_see(client, db, settings):
    settings.CITY_CODE = "131016"
    shown = ServiceFactory(name="公開のひろば", remarks="=1+1")
    ServiceFactory(name="非公開のひろば", published=False)
    response = client.get(reverse("facilities:open_data_csv"))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age" in response["Cache-Control"]
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("全国地方公共団体コード,ID,地方公共団体名,名称")
    assert "131016" in text and shown.name in text and "非公開のひろば" not in text
    assert "'=1+1" in text and "拡張_" not in text
    assert client.get(reverse("facilities:open_data_xlsx")).status_code == 200


def test_directory_api_after_hsds_is_paginated_and_hides_hidden_entries(client, db):
    for i in range(55):
        ServiceFactory(name=f"ひろば{i:02d}", age_text="0歳から3歳", min_age_months=0, max_age_months=48)
    ServiceFactory(name="非公開", published=False)
    body = json.loads(client.get(reverse("facilities:api_services")).content)
    assert (body["total_items"], body["total_pages"], body["size"]) == (55, 2, 50)
    service = body["contents"][0]
    assert {"id", "name", "organization", "service_at_locations", "schedules"} <= set(service)
    assert service["eligibility_description"] == "0歳から3歳"
    page2 = json.loads(client.get(reverse("facilities:api_services"), {"page": 2}).content)
    assert page2["size"] == 5 and page2["last_page"]
    hidden = Service.objects.get(name="非公開")
    assert client.get(reverse("facilities:api_service", args=[hidden.pk])).status_code == 404
    organizations = json.loads(client.get(reverse("facilities:api_organizations")).content)
    assert organizations["total_items"] == 55  # the factory gives each service its own operator
    assert hidden.organization.name not in {o["name"] for o in organizations["contents"]}
    locations = json.loads(client.get(reverse("facilities:api_locations")).content)
    assert locations["total_items"] == 55 and locations["contents"][0]["addresses"][0]["country"] == "JP"


def test_a_standard_layout_has_no_mapping_step(city_client):
    upload(city_client, csv_bytes(current_table([NURSERY])))
    batch = ImportBatch.objects.get()
    response = city_client.get(reverse("facilities:import_columns", args=[batch.pk]))
    assert response.status_code == 302 and not ColumnMapping.objects.exists()
    assert (
        "列の対応を見直す"
        not in city_client.get(reverse("facilities:import_batch", args=[batch.pk])).content.decode()
    )


def test_an_unexpected_failure_shows_a_message_not_a_traceback(city_client, monkeypatch):
    from facilities import importing

    def broken(**kwargs):
        raise RuntimeError("KeyError: 'secret internals'")

    monkeypatch.setattr(importing, "check_file", broken)
    html = upload(city_client, csv_bytes(current_table([NURSERY]))).content.decode()
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert "ファイルを最後まで処理できませんでした" in html and "secret internals" not in html
    city_client.cookies["django_language"] = "en"
    english = city_client.get(reverse("facilities:import_batch", args=[batch.pk])).content.decode()
    assert "could not be processed" in english


def _wait_for(batch: ImportBatch, status: str, seconds: float = 90) -> None:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status == status:
            return
        time.sleep(0.2)
    raise AssertionError(f"batch still {batch.status}, {batch.message}")


@pytest.mark.django_db(transaction=True)
def test_a_file_of_thousands_of_rows_runs_as_a_job_on_a_real_worker(real_celery_worker, client, city_staff):
    client.force_login(city_staff)
    rows = [{**NURSERY, "ID": f"hoiku-{i}", "名称": f"さくら保育園{i}"} for i in range(2000)]
    upload(client, csv_bytes(current_table(rows)), "big.csv")
    batch = ImportBatch.objects.get()
    _wait_for(batch, ImportBatch.Status.PREVIEW)
    assert batch.report["counts"]["create"] == 2000 and Service.objects.count() == 0
    client.post(reverse("facilities:import_confirm", args=[batch.pk]))
    _wait_for(batch, ImportBatch.Status.DONE)
    assert Service.objects.count() == 2000


def test_control_characters_do_not_break_the_xlsx_export(city_client):
    ServiceFactory(name="ひろば\x0bなかよし", remarks="改行\x0cなし")
    response = city_client.get(reverse("facilities:export_xlsx"))
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_the_api_and_the_open_data_file_do_not_query_per_entry(client, db, django_assert_max_num_queries):
    for i in range(30):
        ServiceFactory(name=f"ひろば{i:02d}")
    with django_assert_max_num_queries(8):
        client.get(reverse("facilities:api_services"))
    with django_assert_max_num_queries(8):
        client.get(reverse("facilities:open_data_csv"))


def test_a_new_hub_row_starts_its_application_in_the_registry(city_client):
    from hubs.models import Hub

    row = {
        "ID": "hub-new",
        "名称": "あおぞらひろば",
        "種別": "地域子育て支援拠点",
        "電話番号": "0120-111-222",
    }
    html = upload(city_client, csv_bytes(current_table([row]))).content.decode()
    link = re.search(r'href="(/hubs/new/\?[^"]+)"', html)
    assert link, "the preview links the row to the registry's application form"
    form = city_client.get(unescape(link.group(1))).context["service"]
    assert form.initial["name"] == "あおぞらひろば" and form.initial["phone"].startswith("0120")
    assert not Hub.objects.exists()  # the clerk adds staff and hours; the registry checks the rules
