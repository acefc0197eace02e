"""Reading a facility list file (.csv in UTF-8, UTF-8 with BOM or CP932; .xlsx) into rows, or
refusing it whole with a message the clerk can act on (FileProblem)."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from facilities.importing.problems import FileProblem

# Limits of one file: a city's list is a few thousand rows; beyond these the file is refused whole
# with a message, before anything is parsed (a 50 MB upload or 100,000 rows is a mistake, not a list).
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 20_000
MAX_CELL_CHARS = 10_000

# --- reading a file ------------------------------------------------------------------------------------

Cell = Any  # str, or a spreadsheet's number, date or time


@dataclasses.dataclass
class Table:
    header: list[str]
    rows: list[list[Cell]]
    # Each row's number as a spreadsheet shows it (the header's row is before the first): blank rows and
    # title rows above the header are skipped, so a held cell names the row the clerk sees.
    numbers: list[int]


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not) first; a spreadsheet's Shift_JIS (CP932) export otherwise. A file whose lines
    are partly one and partly the other is refused rather than read as garbage."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    utf8_lines = 0
    for line in data.splitlines():
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            continue
    if utf8_lines:
        raise FileProblem("mixed_encoding")
    try:
        return data.decode("cp932")
    except UnicodeDecodeError:
        raise FileProblem("encoding") from None


def read_table(data: bytes, filename: str = "") -> Table:
    """The header and the rows of a .csv or .xlsx file; raises FileProblem when it cannot be read."""
    if not data:
        raise FileProblem("empty")
    if len(data) > MAX_BYTES:
        raise FileProblem("too_big")
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        rows = _xlsx_rows(data)
    else:
        if b"\x00" in data:
            raise FileProblem("nul")
        rows = _csv_rows(decode(data))
    records = list(rows)
    start = _header_index(records)
    header = records[start]
    body: list[list[Cell]] = []
    numbers: list[int] = []
    for number, row in enumerate(records[start + 1 :], start=start + 2):
        if not any(str(c).strip() for c in row):
            continue  # blank lines at the end of a spreadsheet export
        if len(body) >= MAX_ROWS:
            raise FileProblem("too_many_rows", max=f"{MAX_ROWS:,}")
        if any(isinstance(c, str) and len(c) > MAX_CELL_CHARS for c in row):
            raise FileProblem("cell_too_long", row=number, max=f"{MAX_CELL_CHARS:,}")
        body.append(row)
        numbers.append(number)
    if not body:
        raise FileProblem("header_only")
    return Table([str(c).strip() for c in header], body, numbers)


# Cities often put a title (子育て施設一覧（令和8年4月1日現在）) and a blank row above the header.
TITLE_ROWS = 5


def _header_index(records: list[list[Cell]]) -> int:
    """The header's index: the first of the first rows that is a standard layout, else the first row
    that is not blank."""
    from facilities.importing.layouts import standard_mapping

    filled = [i for i, row in enumerate(records) if any(str(c).strip() for c in row)]
    if not filled:
        raise FileProblem("empty")
    for index in filled[:TITLE_ROWS]:
        if standard_mapping([str(c).strip() for c in records[index]]) is not None:
            return index
    return filled[0]


def _csv_rows(text: str) -> Iterator[list[Cell]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from reader
    except csv.Error:
        # A field over the csv module's limit (131,072 characters) or an unclosed quote.
        if reader.line_num > 1 and len(text) > MAX_CELL_CHARS * 10:
            raise FileProblem("cell_too_long", row=reader.line_num, max=f"{MAX_CELL_CHARS:,}") from None
        raise FileProblem("broken_csv", row=reader.line_num) from None


def _xlsx_rows(data: bytes) -> Iterator[list[Cell]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileProblem("xlsx") from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_xlsx_cell(value) for value in row]
    finally:
        workbook.close()


def _xlsx_cell(value: Any) -> Cell:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0) and value.year > 1900:
        return value.date()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value
    return str(value)
