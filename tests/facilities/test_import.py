"""一括登録: real facility lists in both standard layouts, every encoding and .xlsx; unknown stays
unknown; held cells named; all or nothing; export → import → export unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from facilities import exporting, importing
from facilities.models import Area, CategoryLabel, Organization, Service, TownArea, WeeklyHours
from facilities.search import search_services
from portal.spreadsheets import write_csv
from tests.facilities.factories import AreaFactory, LocationFactory, ServiceFactory
from tests.facilities.import_files import (
    HALL,
    KINDERGARTEN,
    NURSERY,
    csv_bytes,
    current_table,
    earlier_table,
    xlsx_bytes,
)

ROWS = [NURSERY, KINDERGARTEN, HALL]


def hours(service: Service) -> list[tuple[int, str, str]]:
    return [(h.weekday, f"{h.opens_at:%H:%M}", f"{h.closes_at:%H:%M}") for h in service.weekly_hours.all()]


def files() -> list[tuple[str, bytes]]:
    """Each layout as cities post it: UTF-8, UTF-8 with BOM, CP932, CRLF or LF, and .xlsx."""
    built = []
    for layout, table in (("earlier", earlier_table(ROWS)), ("current", current_table(ROWS))):
        built += [
            (f"{layout}.csv", csv_bytes(table)),
            (f"{layout}-bom.csv", csv_bytes(table, encoding="utf-8-sig")),
            (f"{layout}-sjis.csv", csv_bytes(table, encoding="cp932")),
            (f"{layout}-lf.csv", csv_bytes(table, newline="\n")),
            (f"{layout}.xlsx", xlsx_bytes(table)),
        ]
    return built


@pytest.mark.parametrize(("filename", "data"), files(), ids=[name for name, _data in files()])
def test_published_lists_import_as_published(db, city_staff, filename, data):
    report = importing.import_file(data=data, filename=filename, by=city_staff)
    assert report.counts["create"] == 3 and report.ok

    nursery = Service.objects.get(name="さくら保育園")
    assert nursery.category.slug == "nursery"
    assert hours(nursery) == [(d, "07:00", "19:00") for d in range(6)]  # 月～土, not 月 and 土
    assert nursery.closed_on_holidays  # （祝日を除く）
    assert nursery.hours_notes == "土曜日は17時まで"
    assert (nursery.age_text, nursery.min_age_months, nursery.max_age_months) == ("生後57日から", 1, None)
    assert nursery.capacity == 60
    assert nursery.phone == "03-1234-5678"
    assert nursery.remarks == "延長保育あり"
    assert nursery.location.address_detail == "さくらビル2階"
    assert nursery.location.access_notes == "みどり駅から徒歩5分"
    assert nursery.location.parking_notes == "なし"  # information here, not a placeholder
    assert nursery.open_data["一時預かりの有無"] == "有"
    assert nursery.open_data["種別"] == "認可私立保育所"
    assert nursery.organization.kind == Organization.Kind.SOCIAL_WELFARE
    assert nursery.organization.corporate_number == "1234567890123"

    kindergarten = Service.objects.get(name="ひまわり幼稚園")
    assert hours(kindergarten) == [(d, "09:00", "14:00") for d in range(5)]  # 9:00～14:00 in one cell
    assert (kindergarten.min_age_months, kindergarten.max_age_months) == (36, 84)

    hall = Service.objects.get(name="みどり児童館")
    assert [h[0] for h in hours(hall)] == [1, 2, 3, 4, 5]  # 火、水、木～土曜日
    assert hall.organization.kind == Organization.Kind.MUNICIPAL  # the city itself is not その他
    assert hall.max_age_months == 216


def test_unknown_stays_unknown(db, city_staff):
    importing.import_file(data=csv_bytes(current_table(ROWS)), filename="a.csv", by=city_staff)
    nursery = Service.objects.get(name="さくら保育園")
    assert nursery.is_free is None  # no cost column: unknown, not 無料
    assert nursery.last_checked is None  # no 情報確認日: empty, never today
    assert nursery not in search_services(free=True)
    individual = [{**KINDERGARTEN, "ID": f"k-{i}", "名称": f"こじんえん{i}"} for i in range(2)]
    importing.import_file(data=csv_bytes(current_table(individual)), filename="b.csv", by=city_staff)
    operators = {s.organization_id for s in Service.objects.filter(name__startswith="こじんえん")}
    assert len(operators) == 2  # never merged on （個人立）


def test_information_date_from_the_file_is_kept(db, city_staff):
    table = current_table([NURSERY])
    table[0].append("情報確認日")
    table[1].append("令和8年4月1日")
    importing.import_file(data=csv_bytes(table), filename="a.csv", by=city_staff)
    assert Service.objects.get().last_checked == dt.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("changes", "column", "reason"),
    [
        ({"利用可能曜日": "月曜 9時から"}, "利用可能曜日", "days"),
        ({"開始時間": "9時頃"}, "開始時間", "time"),
        ({"終了時間": "夕方"}, "終了時間", "time"),
        ({"開始時間": ""}, "開始時間", "time_missing"),
        ({"緯度": "139.76", "経度": "35.68"}, "緯度", "coordinates_swapped"),
        ({"緯度": "95"}, "緯度", "coordinates_outside"),
        ({"経度": ""}, "経度", "coordinates_half"),
        ({"収容定員": "約60"}, "収容定員", "number"),
        ({"URL": "sakura.example.jp の中"}, "URL", "url"),
        ({"名称": ""}, "名称", "required"),
        ({"所在地_連結表記": ""}, "所在地_連結表記", "required"),
    ],
)
def test_what_is_not_understood_is_held_on_its_own_column(db, city_staff, changes, column, reason):
    data = csv_bytes(current_table([{**NURSERY, **changes}, KINDERGARTEN]))
    report = importing.check_file(data=data, filename="a.csv")
    assert report.counts["hold"] == 1
    assert [(h["row"], h["column"], h["reason"]) for h in report.held] == [(2, column, reason)]
    assert all(importing.reason_text(h) for h in report.held)
    with pytest.raises(importing.ImportRefused):
        importing.import_file(data=data, filename="a.csv", by=city_staff)
    assert Service.objects.count() == 0  # the good row was not saved either


def test_a_held_cell_shows_the_value_as_written(db):
    report = importing.check_file(data=csv_bytes(current_table([{**NURSERY, "利用可能曜日": "第2火曜"}])))
    assert report.held[0]["value"] == "第2火曜"


def test_duplicate_ids_in_one_file_are_held(db):
    report = importing.check_file(data=csv_bytes(current_table([NURSERY, NURSERY])))
    assert [(h["row"], h["reason"]) for h in report.held] == [(3, "duplicate_id")]


def test_unknown_category_is_held_until_the_clerk_maps_it(db, city_staff):
    row = {**NURSERY, "種別": "企業主導型保育事業"}
    report = importing.check_file(data=csv_bytes(current_table([row])))
    assert report.unknown_categories == ["企業主導型保育事業"]
    assert report.held[0]["reason"] == "category_unknown"
    CategoryLabel.objects.create(
        label="企業主導型保育事業",
        category=Service._meta.get_field("category").related_model.objects.get(slug="nursery"),
    )
    report = importing.import_file(data=csv_bytes(current_table([row])), filename="a.csv", by=city_staff)
    assert report.ok and Service.objects.get().category.slug == "nursery"


def test_unreadable_ages_keep_the_text_and_leave_the_range_unknown(db, city_staff):
    row = {**NURSERY, "受入年齢": "おおむね2歳から"}
    report = importing.import_file(data=csv_bytes(current_table([row])), filename="a.csv", by=city_staff)
    assert [n["reason"] for n in report.notes if n["column"] == "受入年齢"] == ["ages_unread"]
    service = Service.objects.get()
    assert (service.age_text, service.min_age_months, service.max_age_months) == (
        "おおむね2歳から",
        None,
        None,
    )
    assert service in Service.objects.for_age_months(5)  # no filter excludes it by accident


def test_district_from_the_town_table_then_the_coordinates_then_unset(db, city_staff):
    chuo = AreaFactory(code="chuo", name="中央地区")
    kita = AreaFactory(code="kita", name="北地区")
    TownArea.objects.create(town="中央一丁目", area=chuo)
    LocationFactory(area=kita, latitude="35.690000", longitude="139.750000")
    importing.import_file(data=csv_bytes(current_table(ROWS)), filename="a.csv", by=city_staff)
    assert Service.objects.get(name="さくら保育園").location.area == chuo  # 町字 in the address
    assert Service.objects.get(name="ひまわり幼稚園").location.area == kita  # nearest district
    hall = Service.objects.get(name="みどり児童館")  # no town, no coordinates
    assert hall.location.area == Area.objects.get(code=importing.UNSET_AREA_CODE)


def test_reimport_leaves_unchanged_rows_and_lists_each_change(db, city_staff):
    importing.import_file(data=csv_bytes(current_table(ROWS)), filename="a.csv", by=city_staff)
    report = importing.check_file(data=csv_bytes(current_table(ROWS)))
    assert report.counts == {"create": 0, "update": 0, "unchanged": 3, "hold": 0, "hub": 0}
    edited = {**NURSERY, "電話番号": "03-9999-0000", "利用可能曜日": "月～金"}
    report = importing.import_file(
        data=csv_bytes(current_table([edited, KINDERGARTEN, HALL])), filename="a.csv", by=city_staff
    )
    assert (report.counts["update"], report.counts["unchanged"]) == (1, 2)
    fields = {(c["field"], c["old"], c["new"]) for c in report.changes}
    assert ("電話番号", "03-1234-5678", "03-9999-0000") in fields
    assert hours(Service.objects.get(name="さくら保育園")) == [(d, "07:00", "19:00") for d in range(5)]
    assert Service.objects.count() == 3


def test_formula_like_cells_are_stored_as_text_and_exported_inert(db, city_staff):
    row = {**NURSERY, "名称": '=HYPERLINK("http://evil.example","保育園")', "備考": "+1 @SUM(A1)"}
    report = importing.import_file(data=csv_bytes(current_table([row])), filename="a.csv", by=city_staff)
    assert {n["reason"] for n in report.notes} >= {"formula"}
    service = Service.objects.get()
    assert service.name.startswith("=HYPERLINK")
    out = io.StringIO()
    write_csv(out, exporting.export_header(public=False), exporting.export_rows(public=False))
    cells = [cell for row in csv.reader(io.StringIO(out.getvalue().lstrip("\ufeff"))) for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert '\'=HYPERLINK("http://evil.example","保育園")' in cells

    from openpyxl import load_workbook

    data = exporting.xlsx_bytes(exporting.export_header(public=False), exporting.export_rows(public=False))
    sheet = load_workbook(io.BytesIO(data)).active
    values = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type == "s" for cell in values if cell.value)  # no cell is a formula


def test_export_then_import_then_export_is_identical(demo_city, city_staff):
    def export() -> str:
        out = io.StringIO()
        write_csv(out, exporting.export_header(public=False), exporting.export_rows(public=False))
        return out.getvalue()

    first = export()
    report = importing.import_file(data=first.encode(), filename="export.csv", by=city_staff)
    assert report.ok, report.held
    assert report.counts["unchanged"] == Service.objects.count()  # nothing changed, nothing written
    assert export() == first


def test_xlsx_export_then_import_then_export_is_identical(demo_city, city_staff):
    def export() -> list[list[str]]:
        data = exporting.xlsx_bytes(
            exporting.export_header(public=False), exporting.export_rows(public=False)
        )
        return importing.read_table(data, "export.xlsx").rows  # the cells, not the file's timestamps

    first = export()
    data = exporting.xlsx_bytes(exporting.export_header(public=False), exporting.export_rows(public=False))
    report = importing.import_file(data=data, filename="export.xlsx", by=city_staff)
    assert report.ok and report.counts["unchanged"] == Service.objects.count()
    assert export() == first


def test_open_data_keeps_every_published_column(db, city_staff):
    importing.import_file(data=csv_bytes(current_table(ROWS)), filename="a.csv", by=city_staff)
    rows = {row["名称"]: row for row in map(exporting.export_row, exporting.export_services(public=True))}
    nursery = rows["さくら保育園"]
    assert nursery["種別"] == "認可私立保育所"
    assert nursery["受入年齢"] == "生後57日から"
    assert nursery["利用可能日時特記事項"] == "土曜日は17時まで"
    assert nursery["備考"] == "延長保育あり"
    assert nursery["建物名等(方書)"] == "さくらビル2階"
    assert nursery["認可等年月日"] == "2015-04-01"
    assert nursery["収容定員"] == "60"
    assert (nursery["郵便番号"], nursery["メールアドレス"]) == ("100-0001", "info@sakura.example.jp")
    assert (nursery["授乳室"], nursery["病児保育の有無"]) == ("有", "無")  # kept as written


# --- bad files --------------------------------------------------------------------------------------------


def _many_rows(count: int) -> bytes:
    lines = ["ID,名称,種別,所在地_連結表記"] + [f"{i},園{i},保育所,みどり市中央{i}" for i in range(count)]
    return "\n".join(lines).encode()


BAD_FILES = {
    "binary": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "nul"),
    "empty": (b"", "empty"),
    "header_only": ("ID,名称,種別,所在地_連結表記\r\n".encode(), "header_only"),
    "nul": ("ID,名称\r\n1,さく\x00ら\r\n".encode(), "nul"),
    "not_text": (b"ID\r\n\x81\x20\x82\x7f\r\n", "encoding"),
    "mixed_encodings": (
        "ID,名称\r\n".encode() + "1,さくら\r\n".encode() + "2,ひまわり\r\n".encode("cp932"),
        "mixed_encoding",
    ),
    "huge_cell": ("ID,名称\r\n1,".encode() + b"a" * 10_000_000 + b"\r\n", "cell_too_long"),
    "long_cell": ("ID,名称\r\n1,".encode() + "あ".encode() * 20_000 + b"\r\n", "cell_too_long"),
    "broken_xlsx": (b"PK\x03\x04not really a zip", "xlsx"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_get_a_clear_message_and_nothing_is_saved(db, city_staff, name):
    data, code = BAD_FILES[name]
    with pytest.raises(importing.FileProblem) as problem:
        importing.import_file(data=data, filename=f"{name}.csv", by=city_staff)
    assert problem.value.code == code
    assert problem.value.message and "Traceback" not in problem.value.message
    assert Service.objects.count() == 0


def test_a_50_megabyte_file_is_refused_before_it_is_read(db):
    with pytest.raises(importing.FileProblem) as problem:
        importing.read_table(b"a" * (50 * 1024 * 1024))
    assert problem.value.code == "too_big"


def test_100000_rows_are_refused_whole(db):
    with pytest.raises(importing.FileProblem) as problem:
        importing.read_table(_many_rows(100_000))
    assert problem.value.code == "too_many_rows"


# --- hubs keep their rules -------------------------------------------------------------------------------


@pytest.fixture
def approved_hub(db):
    from hubs.models import Hub
    from tests.hubs.factories import HubFactory

    hub = HubFactory(service__source_id="hub-001", service__published=True)
    Hub.objects.filter(pk=hub.pk).update(status=Hub.Status.APPROVED)
    return hub


def _hub_row(**values: str) -> dict[str, str]:
    return {
        "ID": "hub-001",
        "名称": "新しい名前のひろば",
        "種別": "地域子育て支援拠点",
        "所在地_連結表記": "みどり市中央1-1",
        "電話番号": "0120-111-222",
        "利用可能曜日": "月～金",
        "開始時間": "10:00",
        "終了時間": "16:00",
        **values,
    }


def test_a_new_hub_row_is_not_created_past_the_registry(db, city_staff):
    report = importing.import_file(
        data=csv_bytes(current_table([_hub_row(ID="hub-new")])), filename="a.csv", by=city_staff
    )
    assert report.counts["hub"] == 1
    assert [n["reason"] for n in report.notes] == ["hub_new"]
    assert not Service.objects.filter(source_id="hub-new").exists()


def test_an_approved_hub_gets_directory_fields_only(approved_hub, city_staff):
    row = _hub_row(受入年齢="0歳から3歳", 利用可能曜日="月・水・金")  # 3 days, 6 hours: a valid change
    report = importing.import_file(data=csv_bytes(current_table([row])), filename="a.csv", by=city_staff)
    service = Service.objects.get(pk=approved_hub.service_id)
    assert (service.name, service.phone) == ("新しい名前のひろば", "0120-111-222")
    assert service.min_age_months is None  # not a directory-facing field
    assert [h[0] for h in hours(service)] == [0, 1, 2, 3, 4]  # the schedule is not changed here
    change = approved_hub.change_requests.get()
    assert [day for day, _o, _c in change.data["hours"]] == [0, 2, 4]
    assert "hub_schedule_request" in {n["reason"] for n in report.notes}


def test_a_hub_schedule_against_the_rules_is_not_proposed(approved_hub, city_staff):
    row = _hub_row(利用可能曜日="月・水", 開始時間="10:00", 終了時間="12:00")  # 2 days of 2 hours
    report = importing.import_file(data=csv_bytes(current_table([row])), filename="a.csv", by=city_staff)
    assert "hub_schedule_refused" in {n["reason"] for n in report.notes}
    assert not approved_hub.change_requests.exists()
    assert WeeklyHours.objects.filter(service_id=approved_hub.service_id).count() == 5


# --- the command ------------------------------------------------------------------------------------------


def test_command_dry_run_reports_and_writes_nothing(db, city_staff, tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx_bytes(earlier_table(ROWS)))
    out = io.StringIO()
    call_command("import_directory", str(path), "--dry-run", stdout=out)
    assert "新規 3件" in out.getvalue()
    assert Service.objects.count() == 0
    call_command("import_directory", str(path), stdout=io.StringIO())
    assert Service.objects.count() == 3


def test_command_prints_held_cells_and_refuses(db, city_staff, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes(current_table([{**NURSERY, "緯度": "95"}]), encoding="cp932"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_directory", str(path), stdout=out)
    assert "緯度" in out.getvalue() and "「95」" in out.getvalue()
    assert Service.objects.count() == 0


def test_command_refuses_a_bad_file_with_its_message(db, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="空"):
        call_command("import_directory", str(path))


def test_services_still_save_with_the_model_defaults(db):
    """Entries made elsewhere (admin, hub registry) keep the old defaults: 無料 unless said, checked today."""
    service = ServiceFactory()
    assert service.is_free is True and service.last_checked is not None


def test_export_command_writes_what_import_reads(demo_city, city_staff, tmp_path):
    for name in ("directory.csv", "directory.xlsx"):
        path = tmp_path / name
        call_command("export_directory", str(path), stdout=io.StringIO())
        out = io.StringIO()
        call_command("import_directory", str(path), "--dry-run", stdout=out)
        assert f"変更なし {Service.objects.count()}件" in out.getvalue()


def test_an_entry_cannot_be_made_a_hub_by_an_import(db, city_staff):
    service = ServiceFactory(source_id="kosodate-009", name="ふつうの一時預かり")
    row = {**NURSERY, "ID": "kosodate-009", "名称": "ひろばになりたい", "種別": "地域子育て支援拠点"}
    report = importing.import_file(data=csv_bytes(current_table([row])), filename="a.csv", by=city_staff)
    assert [n["reason"] for n in report.notes if n["reason"].startswith("hub")] == ["hub_new"]
    service.refresh_from_db()
    assert (service.category.slug, service.name) == ("temporary-care", "ふつうの一時預かり")


@pytest.mark.parametrize(
    ("column", "value"), [("拡張_地区コード", "nowhere"), ("拡張_運営種別", "たぶん民間")]
)
def test_our_own_columns_are_checked_on_new_and_existing_entries(db, city_staff, column, value):
    AreaFactory(code="chuo")
    LocationFactory()
    ServiceFactory(source_id="hoiku-001")
    for row in (NURSERY, {**NURSERY, "ID": "hoiku-new"}):  # an existing entry, then a new one
        table = current_table([row])
        table[0].append(column)
        table[1].append(value)
        report = importing.check_file(data=csv_bytes(table))
        assert [(h["column"], h["reason"]) for h in report.held] == [
            (column, "area_code" if column == "拡張_地区コード" else "choice")
        ]
        assert report.counts["hold"] == 1


@pytest.mark.parametrize(("fee", "is_free"), [("無料", True), ("1回 500円", False), ("", None)])
def test_a_fee_column_says_free_only_when_it_says_so(db, city_staff, fee, is_free):
    table = current_table([NURSERY])
    table[0].append("拡張_料金")
    table[1].append(fee)
    importing.import_file(data=csv_bytes(table), filename="a.csv", by=city_staff)
    assert Service.objects.get().is_free is is_free


def test_a_known_operator_gets_its_kind_and_corporate_number_from_the_file(db, city_staff):
    operator = Organization.objects.create(name="社会福祉法人さくら会", kind=Organization.Kind.OTHER)
    importing.import_file(data=csv_bytes(current_table([NURSERY])), filename="a.csv", by=city_staff)
    operator.refresh_from_db()
    assert operator.corporate_number == "1234567890123"
    assert operator.kind == Organization.Kind.OTHER  # the file said nothing of its kind
    table = current_table([NURSERY])
    table[0].append("拡張_運営種別")
    table[1].append("社会福祉法人")
    report = importing.check_file(data=csv_bytes(table))
    assert report.counts["update"] == 1
    assert ("種別", "other", "social_welfare") in {(c["field"], c["old"], c["new"]) for c in report.changes}
    operator.refresh_from_db()
    assert operator.kind == Organization.Kind.OTHER  # the preview changed nothing
    importing.import_file(data=csv_bytes(table), filename="a.csv", by=city_staff)
    operator.refresh_from_db()
    assert operator.kind == Organization.Kind.SOCIAL_WELFARE


def test_days_and_times_in_the_days_column(db, city_staff):
    row = {
        **NURSERY,
        "利用可能曜日": "月～金 7:00～19:00、土 7:00～17:00（祝日を除く）",
        "開始時間": "",
        "終了時間": "",
    }
    importing.import_file(data=csv_bytes(current_table([row])), filename="a.csv", by=city_staff)
    service = Service.objects.get()
    assert hours(service) == [(d, "07:00", "19:00") for d in range(5)] + [(5, "07:00", "17:00")]
    assert service.closed_on_holidays


def test_a_title_above_the_header_and_blank_rows_keep_the_row_numbers(db):
    table = [
        ["子育て施設一覧（令和8年4月1日現在）"],
        [],
        *current_table([NURSERY]),
        [],
        [*current_table([KINDERGARTEN])[1]],
    ]
    table[-1][current_table([KINDERGARTEN])[0].index("緯度")] = "95"
    report = importing.check_file(data=xlsx_bytes(table), filename="list.xlsx")
    assert report.counts["create"] == 1
    assert [(h["row"], h["column"]) for h in report.held] == [(6, "緯度")]  # as the spreadsheet numbers it


def test_the_benchmark_file_is_read_without_holds(db):
    """bench/import_bench.py measures real work only while every notation in its file is understood."""
    from bench.import_bench import build_file

    report = importing.check_file(data=build_file(300, "test"), filename="bench.csv")
    assert report.counts["create"] == 300 and report.ok
