"""The portal's one CSV writer (CSV 出力). Every export goes through here.

Why one module: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
as a formula by Excel and LibreOffice (CSV injection, OWASP), and any text a parent, hub or importer
saved can end up in an export. ``safe_cell`` neutralises such text with a leading apostrophe, which
spreadsheet software shows as plain text. Numbers the portal computes itself (counts, ids) are
passed as ``int``/``float``/``Decimal`` and stay numbers, so ``-1`` is still ``-1``.

Files are UTF-8 with a BOM (Excel on Japanese Windows otherwise guesses Shift_JIS) and CRLF line
ends (RFC 4180).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from django.http import HttpResponse
from django.utils.http import content_disposition_header

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """One cell as text that no spreadsheet will evaluate. ``None`` is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float | Decimal):
        return str(value)
    # NUL cannot be stored in most spreadsheet cells and ends a C string early: drop it.
    text = str(value).replace("\x00", "")
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


class CsvWriter:
    """Writes the BOM on creation, then safe rows with CRLF; for exports that produce rows in a loop."""

    def __init__(self, file: IO[str]) -> None:
        file.write(BOM)
        self._writer = csv.writer(file, lineterminator="\r\n")

    def writerow(self, row: Sequence[Any]) -> None:
        self._writer.writerow([safe_cell(cell) for cell in row])


def write_csv(file: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write BOM, header and rows to ``file`` one row at a time (rows may be a lazy iterator).

    ``file`` is anything with ``write(str)``: an open text file, an ``io.StringIO`` or an
    ``HttpResponse``. Returns the number of data rows written.
    """
    writer = CsvWriter(file)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count


def csv_attachment(*, filename: str) -> HttpResponse:
    """An empty CSV download named ``filename`` (non-ASCII names encoded per RFC 6266) to write into."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """A download of the rows as ``filename``."""
    response = csv_attachment(filename=filename)
    write_csv(response, header, rows)
    return response
