"""The layouts of 子育て施設一覧 (current and earlier), our 拡張_ columns, and the column mappings
clerks make for any other layout (列の対応)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from typing import Any

from django.utils.translation import gettext_lazy as _

from facilities import notation
from facilities.models import (
    ColumnMapping,
)

# --- fields and the two standard layouts ---------------------------------------------------------------

# Portal fields a column can feed, with the label the clerk sees in the mapping step.
FIELDS: dict[str, Any] = {
    "id": _("ID"),
    "name": _("名称"),
    "name_kana": _("名称（カナ）"),
    "category": _("種別"),
    "address": _("住所"),
    "address_detail": _("方書（建物名等）"),
    "latitude": _("緯度"),
    "longitude": _("経度"),
    "access": _("アクセス方法"),
    "parking": _("駐車場情報"),
    "phone": _("電話番号"),
    "organization": _("団体名（運営主体）"),
    "corporate_number": _("法人番号"),
    "capacity": _("収容定員"),
    "ages": _("受入年齢"),
    "days": _("利用可能曜日"),
    "opens": _("開始時間"),
    "closes": _("終了時間"),
    "hours_notes": _("利用可能日時特記事項"),
    "url": _("URL"),
    "remarks": _("備考"),
    "postal_code": _("郵便番号"),
    "email": _("メールアドレス"),
    "fee": _("料金"),
    "description": _("説明"),
    "last_checked": _("情報確認日"),
}

# The current layout (子育て施設一覧, 自治体標準オープンデータセット, 53 columns as cities publish it):
# column → field, or "" for a column kept as written (Service.open_data) and given back on export.
CURRENT_LAYOUT: dict[str, str] = {
    # The publisher, not the entry: the export writes this city's own (settings.CITY_CODE, CITY_NAME).
    "全国地方公共団体コード": "publisher_code",
    "ID": "id",
    "地方公共団体名": "publisher_name",
    "名称": "name",
    "名称_カナ": "name_kana",
    "名称_英語": "",
    "種別": "category",
    "所在地_全国地方公共団体コード": "",
    "町字ID": "",
    "所在地_連結表記": "address",
    "所在地_都道府県": "",
    "所在地_市区町村": "",
    "所在地_町字": "",
    "所在地_番地以下": "",
    "建物名等(方書)": "address_detail",
    "緯度": "latitude",
    "経度": "longitude",
    "高度の種別": "",
    "高度の値": "",
    "アクセス方法": "access",
    "駐車場情報": "parking",
    "電話番号": "phone",
    "内線番号": "",
    "FAX番号": "",
    "メールアドレス": "email",
    "連絡先FormURL": "",
    "連絡先備考": "",
    "郵便番号": "postal_code",
    "法人番号": "corporate_number",
    "団体名": "organization",
    "認可等年月日": "",
    "収容定員": "capacity",
    "受入年齢": "ages",
    "利用可能曜日": "days",
    "開始時間": "opens",
    "終了時間": "closes",
    "利用可能日時特記事項": "hours_notes",
    "一時預かりの有無": "",
    "子供預かり料金種別": "",
    "子供預かり料金": "",
    "子供預かり料金備考": "",
    "子供預かり開所時間": "",
    "子供預かり閉所時間": "",
    "病児保育の有無": "",
    "授乳室": "",
    "おむつ替えコーナー": "",
    "飲食可否": "",
    "ベビーカー貸出": "",
    "ベビーカー利用": "",
    "URL": "url",
    "画像": "",
    "画像_ライセンス": "",
    "備考": "remarks",
}
# Columns of the current layout the portal keeps as written and gives back on export.
KEPT_COLUMNS = [c for c, field in CURRENT_LAYOUT.items() if not field]
# The earlier 推奨データセット names, and spellings seen in published files, for the same columns.
EARLIER_NAMES: dict[str, str] = {
    "都道府県コード又は市区町村コード": "全国地方公共団体コード",
    "自治体コード": "全国地方公共団体コード",
    "NO": "ID",
    "No": "ID",
    "No.": "ID",
    "都道府県名": "所在地_都道府県",
    "市区町村名": "所在地_市区町村",
    "住所": "所在地_連結表記",
    "所在地": "所在地_連結表記",
    "所在地_連結標記": "所在地_連結表記",
    "所在地_自治体コード": "所在地_全国地方公共団体コード",
    "方書": "建物名等(方書)",
    "建物名等": "建物名等(方書)",
    "名称_英字": "名称_英語",
    "許可等年月日": "認可等年月日",
    "定員": "収容定員",
    "対象年齢": "受入年齢",
    "利用可能日時特記": "利用可能日時特記事項",
    "FAX": "FAX番号",
    "画像ライセンス": "画像_ライセンス",
    # Our exports before these columns were in the standard.
    "拡張_郵便番号": "郵便番号",
    "拡張_メールアドレス": "メールアドレス",
}
# Our own columns, after the standard ones (prefix 拡張_): what the standard has no column for.
EXTENSION_COLUMNS = [
    "拡張_種別コード",
    "拡張_地区コード",
    "拡張_施設名称",
    "拡張_施設名称_カナ",
    "拡張_運営種別",
    "拡張_説明",
    "拡張_対象月齢_下限",
    "拡張_対象月齢_上限",
    "拡張_妊娠中も対象",
    "拡張_市民のみ",
    "拡張_無料",
    "拡張_料金",
    "拡張_ネット予約",
    "拡張_予約なし可",
    "拡張_祝日休み",
    "拡張_曜日別時間",
    "拡張_状態",
    "拡張_公開",
    "拡張_バリアフリー",
    "拡張_情報確認日",
]
EXPORT_COLUMNS = list(CURRENT_LAYOUT) + EXTENSION_COLUMNS
_EXTENSION_FIELDS = {"拡張_説明": "description", "拡張_料金": "fee", "拡張_情報確認日": "last_checked"}


def _canonical(header: str) -> str:
    """A header as the layouts spell it: NFKC, no spaces, half-width brackets."""
    text = unicodedata.normalize("NFKC", str(header or "")).strip().replace(" ", "")
    return EARLIER_NAMES.get(text, text)


# --- layouts -------------------------------------------------------------------------------------------


def header_key(header: list[str]) -> str:
    return hashlib.sha256("\x1f".join(_canonical(h) for h in header).encode()).hexdigest()


def standard_mapping(header: list[str]) -> dict[str, str] | None:
    """{column: target} when ``header`` is one of the standard layouts (or our export), else None.

    A target is a field of FIELDS, a kept column (``keep:<column>``), an extension column, or "" for a
    column the portal does not use. Only 名称 and an address column are needed; nothing portal-only."""
    mapping: dict[str, str] = {}
    for column in header:
        canonical = _canonical(column)
        if canonical in KEPT_COLUMNS:
            mapping[column] = f"keep:{canonical}"
        elif canonical in CURRENT_LAYOUT:
            mapping[column] = CURRENT_LAYOUT[canonical]
        elif canonical in EXTENSION_COLUMNS:
            mapping[column] = _EXTENSION_FIELDS.get(canonical, canonical)
        elif canonical == "情報確認日":
            mapping[column] = "last_checked"
        else:
            mapping[column] = ""
    targets = set(mapping.values())
    return mapping if {"name", "address"} <= targets else None


def mapping_for(header: list[str]) -> dict[str, str] | None:
    """The standard layout, or the mapping the clerk saved for this exact header, or None (ask)."""
    standard = standard_mapping(header)
    if standard is not None:
        return standard
    saved = ColumnMapping.objects.filter(header_key=header_key(header)).first()
    return saved.mapping if saved else None


def mapping_save(*, header: list[str], mapping: dict[str, str]) -> ColumnMapping:
    """Remember the clerk's mapping for files with the same header (列の対応を保存)."""
    saved, _created = ColumnMapping.objects.update_or_create(
        header_key=header_key(header), defaults={"header": header, "mapping": mapping}
    )
    return saved


def mapping_errors(mapping: dict[str, str]) -> list[str]:
    """What a hand-made mapping lacks or repeats (名称 and 住所 are needed; a field once)."""
    errors = []
    targets = [t for t in mapping.values() if t]
    for field in ("name", "address"):
        if field not in targets:
            errors.append(str(_("「%(field)s」にする列を選んでください。") % {"field": FIELDS[field]}))
    for field in sorted({t for t in targets if targets.count(t) > 1}):
        errors.append(str(_("「%(field)s」に2つの列を選んでいます。") % {"field": FIELDS.get(field, field)}))
    return errors


def parse_weekly(value: str) -> list[tuple[int, dt.time, dt.time]]:
    """「月 09:00-15:00; 火 09:00-12:00; 火 13:00-15:00」(拡張_曜日別時間) → periods. Raises NotationError."""
    periods = []
    for part in re.split(r"[;；\n]", notation.fold(value).replace("~", "-")):
        part = part.strip()
        if not part:
            continue
        day, _space, span = part.partition(" ")
        opens, _dash, closes = span.strip().partition("-")
        if day not in notation.WEEKDAY_CHARS or not closes:
            raise notation.NotationError(value)
        periods.append(
            (notation.WEEKDAY_CHARS.index(day), notation.parse_time(opens), notation.parse_time(closes))
        )
    return sorted(periods)


def format_weekly(periods: list[tuple[int, dt.time, dt.time]]) -> str:
    return "; ".join(f"{notation.WEEKDAY_CHARS[d]} {o:%H:%M}-{c:%H:%M}" for d, o, c in sorted(periods))
