"""一括登録: facility lists as cities publish them (自治体標準オープンデータセット「子育て施設一覧」).

Reads both published layouts — the earlier 推奨データセット (``都道府県コード又は市区町村コード, NO, … 住所,
方書 …``) and the current one (``全国地方公共団体コード, ID, … 所在地_連結表記 …``) — and any other layout
through a column mapping the clerk makes once (``ColumnMapping``). ``.csv`` in UTF-8 (BOM or not) or
CP932 with CRLF or LF, and ``.xlsx``.

Two steps, the same code: ``check_file`` reads every row and says what would happen (create / update /
unchanged / held, with each held cell's row, column, value and reason) without writing; ``import_file``
does it for real in one transaction, and refuses whole while any row is held. Notations (曜日, 時刻,
受入年齢, 座標) are read by ``facilities.notation``; what it cannot read is held, never guessed.

Hub rows never bypass the hub registry: see ``_plan_hub`` and ``facilities.importing.signals``.
"""

from __future__ import annotations

from facilities.importing.files import MAX_BYTES, MAX_CELL_CHARS, MAX_ROWS, Table, decode, read_table
from facilities.importing.layouts import (
    CURRENT_LAYOUT,
    EARLIER_NAMES,
    EXPORT_COLUMNS,
    EXTENSION_COLUMNS,
    FIELDS,
    KEPT_COLUMNS,
    format_weekly,
    header_key,
    mapping_errors,
    mapping_for,
    mapping_save,
    parse_weekly,
    standard_mapping,
)
from facilities.importing.planning import UNSET_AREA_CODE, organization_kind
from facilities.importing.problems import FILE_PROBLEMS, FileProblem
from facilities.importing.report import REASONS, Report, reason_text
from facilities.importing.running import ImportRefused, check_file, import_file

__all__ = [
    "CURRENT_LAYOUT",
    "EARLIER_NAMES",
    "EXPORT_COLUMNS",
    "EXTENSION_COLUMNS",
    "FIELDS",
    "FILE_PROBLEMS",
    "KEPT_COLUMNS",
    "MAX_BYTES",
    "MAX_CELL_CHARS",
    "MAX_ROWS",
    "REASONS",
    "UNSET_AREA_CODE",
    "FileProblem",
    "ImportRefused",
    "Report",
    "Table",
    "check_file",
    "decode",
    "format_weekly",
    "header_key",
    "import_file",
    "mapping_errors",
    "mapping_for",
    "mapping_save",
    "organization_kind",
    "parse_weekly",
    "read_table",
    "reason_text",
    "standard_mapping",
]
