"""一括登録 in the browser: a clerk uploads a city's list, sees what is held, maps an unknown 種別,
imports with one button; the pages pass axe (WCAG 2.1 AA) on a phone-sized screen."""

from __future__ import annotations

import pytest

from facilities.models import Area, Category, Service
from tests.e2e.conftest import assert_accessible, log_in
from tests.facilities.import_files import KINDERGARTEN, NURSERY, csv_bytes, current_table

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_preview_map_a_type_and_import(page, city_staff, tmp_path):
    # An earlier transactional test may have flushed the seeded categories.
    Area.objects.get_or_create(code="chuo", defaults={"name": "中央地区"})
    Category.objects.get_or_create(slug="nursery", defaults={"name": "保育所"})
    Category.objects.get_or_create(slug="kindergarten", defaults={"name": "幼稚園"})
    rows = [{**NURSERY, "種別": "企業主導型保育事業"}, {**KINDERGARTEN, "種別": "幼稚園"}]
    path = tmp_path / "hoikuen.csv"
    path.write_bytes(csv_bytes(current_table(rows), encoding="cp932"))
    log_in(page, city_staff)

    page.goto("/staff/directory/import/")
    assert_accessible(page)
    page.get_by_label("施設一覧のファイル").set_input_files(str(path))
    page.get_by_role("button", name="内容を確認する").click()
    page.get_by_role("heading", name="分からない種別").wait_for()
    assert_accessible(page)
    assert page.get_by_role("button", name="まとめて登録する").count() == 0

    page.get_by_label("企業主導型保育事業").select_option(label="保育所")
    page.get_by_role("button", name="読み替えを保存して確認し直す").click()
    page.get_by_role("button", name="2行をまとめて登録する").click()
    page.get_by_role("heading", name="登録しました").wait_for()
    assert Service.objects.get(name="さくら保育園").category.slug == "nursery"

    page.goto("/staff/directory/import/help/")
    assert_accessible(page)

    # A layout of the city's own: the mapping step, then the preview.
    own = tmp_path / "map.csv"
    own.write_bytes("施設名,所在地,種別\r\nあおぞら園,みどり市南町2-2,保育所\r\n".encode())
    page.goto("/staff/directory/import/")
    page.get_by_label("施設一覧のファイル").set_input_files(str(own))
    page.get_by_role("button", name="内容を確認する").click()
    page.get_by_role("heading", name="列の対応").wait_for()
    assert_accessible(page)
    page.get_by_label("所在地").select_option(value="address")
    page.get_by_role("button", name="この対応で確認する").click()
    page.get_by_role("button", name="1行をまとめて登録する").wait_for()
