"""Why a facility list file is refused whole (FileProblem), with the message the clerk reads.

A leaf module: ``ImportBatch.problem`` shows a failed batch's message without the importer.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

FILE_PROBLEMS: dict[str, Any] = {
    "empty": _("ファイルが空です。"),
    "too_big": _("ファイルが大きすぎます（20MBまで）。施設の一覧かどうか確かめてください。"),
    "too_many_rows": _("行が多すぎます（%(max)s行まで）。ファイルを分けて登録してください。"),
    "header_only": _("見出しの行しかありません。施設の行がありません。"),
    "binary": _("表のファイルとして読めません（CSVか.xlsxを選んでください）。"),
    "nul": _("ファイルに文字として使えない値（NUL）が含まれています。CSVとして保存し直してください。"),
    "encoding": _("文字コードが UTF-8 でも Shift_JIS（CP932）でもありません。"),
    "mixed_encoding": _(
        "文字コードが行によって違います（UTF-8 と Shift_JIS が混ざっています）。どちらかで保存し直してください。"
    ),
    "cell_too_long": _("%(row)s行目に長すぎるセルがあります（1セル%(max)s文字まで）。"),
    "broken_csv": _(
        'CSVの形が壊れています（%(row)s行目付近）。引用符（"）の閉じ忘れがないか確かめてください。'
    ),
    "xlsx": _("Excelファイルを読めません。.xlsx で保存し直してください（.xls は読めません）。"),
    "unexpected": _(
        "ファイルを最後まで処理できませんでした。何も登録していません。もう一度選び直し、続くときは市のシステム担当者に知らせてください。"
    ),
}


class FileProblem(Exception):
    """The file as a whole cannot be read; nothing is imported. ``code`` is a key of FILE_PROBLEMS."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params

    @property
    def message(self) -> str:
        return str(FILE_PROBLEMS[self.code]) % self.params if self.params else str(FILE_PROBLEMS[self.code])
