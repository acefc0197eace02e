"""一括登録・出力: the 子育て施設一覧 CSV layout, all-or-nothing, with a report of every bad cell."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from facilities.importing import COLUMNS, export_services_csv, import_services
from facilities.models import Service, WeeklyHours
from facilities.search import search_services
from tests.facilities.factories import AreaFactory

IMPORT = reverse("facilities:import")
EXPORT = reverse("facilities:export")


def row(**values: str) -> dict[str, str]:
    base = {column: "" for column in COLUMNS}
    base.update(
        {
            "ID": "kosodate-001",
            "名称": "さくら一時保育ルーム",
            "名称_カナ": "サクライチジホイクルーム",
            "種別": "一時預かり",
            "所在地_連結表記": "みどり市中央9-9-9",
            "緯度": "35.680000",
            "経度": "139.760000",
            "電話番号": "0120-999-999",
            "団体名": "NPO法人さくら",
            "拡張_地区コード": "chuo",
            "拡張_対象月齢_下限": "6",
            "拡張_対象月齢_上限": "72",
            "拡張_曜日別時間": "月 09:00-17:00; 火 09:00-12:00; 火 13:00-17:00",
        }
    )
    base.update(values)
    return base


def to_csv(rows: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


@pytest.fixture
def area(db):
    return AreaFactory(code="chuo", name="中央地区")


def test_import_creates_a_searchable_service_with_its_hours(area):
    report = import_services(data=to_csv([row()]))
    assert report.ok and report.created == 1
    service = Service.objects.get(source_id="kosodate-001")
    assert service.category.slug == "temporary-care"
    assert service.location.area == area
    assert WeeklyHours.objects.filter(service=service).count() == 3
    assert [s.pk for s in search_services(query="さくら")] == [service.pk]


def test_cp932_file_is_read(area):
    report = import_services(data=to_csv([row()], encoding="cp932"))
    assert report.ok
    assert Service.objects.get(source_id="kosodate-001").name == "さくら一時保育ルーム"


def test_reimport_updates_instead_of_duplicating(area):
    import_services(data=to_csv([row()]))
    report = import_services(
        data=to_csv([row(名称="さくら一時保育ルーム（本園）", 拡張_曜日別時間="水 10:00-15:00")])
    )
    assert (report.created, report.updated) == (0, 1)
    service = Service.objects.get(source_id="kosodate-001")
    assert service.name == "さくら一時保育ルーム（本園）"
    assert [(h.weekday, str(h.opens_at)) for h in service.weekly_hours.all()] == [(2, "10:00:00")]
    assert Service.objects.count() == 1


def test_standard_hours_columns_are_used_without_our_extension(area):
    import_services(
        data=to_csv([row(拡張_曜日別時間="", 利用可能曜日="月水金", 開始時間="9:30", 終了時間="15:00")])
    )
    hours = Service.objects.get().weekly_hours.all()
    assert [h.weekday for h in hours] == [0, 2, 4]


def test_bad_rows_are_all_reported_and_nothing_is_saved(area):
    rows = [
        row(),
        row(ID="kosodate-002", 名称="", 拡張_地区コード="nowhere"),
        row(ID="kosodate-003", 拡張_対象月齢_下限="abc", 拡張_無料="たぶん"),
        row(ID="kosodate-004", 拡張_対象月齢_下限="72", 拡張_対象月齢_上限="6"),
        row(ID="kosodate-005", 種別="存在しない種別", 拡張_曜日別時間="月曜 9時から"),
        row(ID="kosodate-001"),
    ]
    report = import_services(data=to_csv(rows))
    assert not report.ok
    found = {(e.row, e.column) for e in report.errors}
    assert {
        (3, "名称"),
        (3, "拡張_地区コード"),
        (4, "拡張_対象月齢_下限"),
        (4, "拡張_無料"),
        (5, "拡張_対象月齢_下限"),
        (6, "種別"),
        (6, "拡張_曜日別時間"),
        (7, "ID"),
    } <= found
    assert all(e.reason for e in report.errors)
    assert Service.objects.count() == 0  # the good first row was rolled back too


def test_missing_columns_and_bad_encoding_are_reported(db):
    assert [e.column for e in import_services(data="名称\nx\n".encode()).errors] == [
        "ID",
        "所在地_連結表記",
        "拡張_地区コード",
    ]
    assert not import_services(data=b"\xff\xfe\x00\x81\x00").ok


def test_export_then_import_round_trips(demo_city):
    out = io.StringIO()
    count = export_services_csv(out)
    assert count == Service.objects.count()
    before = list(Service.objects.order_by("pk").values())
    hours_before = list(
        WeeklyHours.objects.order_by("service_id", "weekday", "opens_at").values_list(
            "service_id", "weekday", "opens_at", "closes_at"
        )
    )
    report = import_services(data=out.getvalue().encode("utf-8"))
    assert report.ok, report.errors
    assert (report.created, report.updated) == (0, count)
    after = list(Service.objects.order_by("pk").values())
    for old, new in zip(before, after, strict=True):
        old.pop("updated_at"), new.pop("updated_at")
        assert old == new
    assert hours_before == list(
        WeeklyHours.objects.order_by("service_id", "weekday", "opens_at").values_list(
            "service_id", "weekday", "opens_at", "closes_at"
        )
    )


def test_management_commands_round_trip(demo_city, tmp_path):
    path = tmp_path / "shisetsu.csv"
    call_command("export_directory", str(path), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_directory", str(path), stdout=out)
    assert "0 created" in out.getvalue()
    path.write_bytes(to_csv([row(拡張_地区コード="nowhere")]))
    with pytest.raises(CommandError):
        call_command("import_directory", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def test_only_city_staff_may_import_or_export(client, parent, specialist, area):
    assert client.get(IMPORT).status_code == 302  # to the login page
    client.force_login(parent)
    assert client.get(IMPORT).status_code == 403
    assert client.get(EXPORT).status_code == 403
    client.force_login(specialist)
    assert client.get(IMPORT).status_code == 403


def test_city_staff_upload_page_reports_errors_and_imports(client, city_staff, area):
    client.force_login(city_staff)
    bad = io.BytesIO(to_csv([row(拡張_地区コード="nowhere")]))
    bad.name = "bad.csv"
    response = client.post(IMPORT, {"file": bad})
    html = response.content.decode()
    assert response.status_code == 200 and "この地区コードはありません。" in html and "<td>2</td>" in html
    good = io.BytesIO(to_csv([row()], encoding="cp932"))
    good.name = "good.csv"
    response = client.post(IMPORT, {"file": good}, follow=True)
    assert "1件を登録し、0件を更新しました。" in response.content.decode()
    export = client.get(EXPORT)
    assert export["Content-Type"].startswith("text/csv")
    assert "さくら一時保育ルーム" in export.content.decode("utf-8-sig")


def test_city_staff_menu_links_to_the_import_page(client, city_staff):
    client.force_login(city_staff)
    assert f'href="{IMPORT}"' in client.get(reverse("portal:home")).content.decode()
