"""The one CSV writer: formula-looking text is neutralised, numbers stay numbers, Excel-friendly."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from portal.spreadsheets import CsvWriter, csv_response, safe_cell, write_csv


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1", "=cmd|' /C calc'!A0"],
)
def test_text_that_looks_like_a_formula_is_prefixed_with_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["山田 花子", "子育て広場=楽しい", "090-1234-5678", "", "a@b.jp"])
def test_ordinary_text_is_kept_as_typed(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(("value", "cell"), [(-1, "-1"), (3, "3"), (1.5, "1.5"), (Decimal("-0.25"), "-0.25")])
def test_numbers_the_portal_computes_stay_numbers(value, cell):
    assert safe_cell(value) == cell


def test_none_is_an_empty_cell_and_booleans_are_one_or_zero():
    assert (safe_cell(None), safe_cell(True), safe_cell(False)) == ("", "1", "0")


def test_a_nul_byte_is_dropped():
    assert safe_cell("a\x00b") == "ab"


def test_write_csv_writes_bom_crlf_and_counts_rows_from_a_lazy_iterator():
    out = io.StringIO()
    count = write_csv(out, ["名前", "件数"], ((name, n) for name, n in [("=1+1", -1), ("山田", 2)]))
    text = out.getvalue()
    assert count == 2
    assert text == "\ufeff名前,件数\r\n'=1+1,-1\r\n山田,2\r\n"


def test_csv_response_is_an_attachment_in_utf8_with_bom():
    response = csv_response(filename="拠点-2026.csv", header=["拠点名"], rows=[["@evil"], ["ひろば"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    body = response.content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [["拠点名"], ["'@evil"], ["ひろば"]]


def test_csv_writer_writes_rows_one_at_a_time_through_the_same_rules():
    out = io.StringIO()
    writer = CsvWriter(out)
    writer.writerow(["+81", 12])
    assert out.getvalue() == "\ufeff'+81,12\r\n"
