"""Forms of 一括登録: the upload, the column mapping of an unknown layout, and unknown 種別 values."""

from __future__ import annotations

import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from facilities import importing
from facilities.models import Category

# Headers of nursery-map CSVs and English spreadsheets, guessed for the clerk (who confirms each).
_GUESSES = {
    "name": "name",
    "施設名": "name",
    "名前": "name",
    "kana": "name_kana",
    "type": "category",
    "category": "category",
    "施設種別": "category",
    "address": "address",
    "所在地": "address",
    "lat": "latitude",
    "latitude": "latitude",
    "lng": "longitude",
    "lon": "longitude",
    "longitude": "longitude",
    "tel": "phone",
    "phone": "phone",
    "電話": "phone",
    "url": "url",
    "website": "url",
    "ホームページ": "url",
    "capacity": "capacity",
    "age": "ages",
    "ages": "ages",
    "対象年齢": "ages",
    "opening_days": "days",
    "open": "opens",
    "close": "closes",
    "開所時間": "opens",
    "閉所時間": "closes",
    "運営": "organization",
    "設置者": "organization",
    "operator": "organization",
    "id": "id",
    "remarks": "remarks",
    "note": "remarks",
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("施設一覧のファイル"),
        error_messages={"empty": importing.FILE_PROBLEMS["empty"]},
        help_text=_(
            "「子育て施設一覧」（どちらの形式でも）や市の施設一覧。CSV（UTF-8 または Shift_JIS）か .xlsx。"
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise forms.ValidationError(importing.FILE_PROBLEMS["too_big"])
        return upload


def _guess(column: str) -> str:
    standard = importing.standard_mapping([column, "名称", "所在地_連結表記"]) or {}
    target = standard.get(column, "")
    if target in importing.FIELDS:
        return target
    key = unicodedata.normalize("NFKC", column).strip().lower()
    return _GUESSES.get(key, "")


class ColumnMappingForm(forms.Form):
    """One choice per column of the file: a portal field, or 取り込まない."""

    def __init__(
        self,
        *args,
        header: list[str],
        saved: dict[str, str] | None = None,
        sample: list[list[str]] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header = header
        saved = saved or {}
        sample = sample or []
        choices = [("", _("取り込まない")), *((key, label) for key, label in importing.FIELDS.items())]
        for index, column in enumerate(header):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=column or _("（見出しなし）"),
                choices=choices,
                required=False,
                initial=saved.get(column, _guess(column)),
                help_text=_("例: %(values)s")
                % {"values": " / ".join(row[index] for row in sample if index < len(row) and row[index])},
            )

    def mapping(self) -> dict[str, str]:
        return {column: self.cleaned_data[f"column_{i}"] for i, column in enumerate(self.header)}

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            for message in importing.mapping_errors(self.mapping()):
                self.add_error(None, message)
        return cleaned


class CategoryChoiceForm(forms.Form):
    """A category for each 種別 value the portal did not know (kept in 種別の読み替え for next time)."""

    def __init__(self, *args, labels: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.labels = labels
        for index, label in enumerate(labels):
            self.fields[f"label_{index}"] = forms.ModelChoiceField(
                label=label, queryset=Category.objects.all(), required=False, empty_label=_("選んでください")
            )

    def choices(self) -> dict[str, int]:
        return {
            label: self.cleaned_data[f"label_{i}"].pk
            for i, label in enumerate(self.labels)
            if self.cleaned_data.get(f"label_{i}")
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.choices():
            raise forms.ValidationError(_("少なくとも1つの種別を選んでください。"))
        return cleaned
