"""The report of a file: counts, held cells and notes with a reason code each (shown in the reader's
language), and the changes an import makes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _

# Entries listed in full in a report (counts are always complete).
REPORT_LIMIT = 2_000

# --- messages ------------------------------------------------------------------------------------------

# Why a cell is held or noted; stored as a code in the report so each clerk reads it in their language.
REASONS: dict[str, Any] = {
    "required": _("必須の項目が空です。"),
    "duplicate_id": _("同じIDの行がファイルの中に2つあります。"),
    "category_unknown": _("この種別をどのサービス種別として扱うか決まっていません。下で選んでください。"),
    "days": _("曜日を読めません。「月～金」「平日」「月・水・金」のように書いてください。"),
    "time": _("時刻を読めません。「9:00」「9時30分」のように書いてください。"),
    "time_missing": _("曜日はありますが時刻がありません。"),
    "weekly": _("「月 09:00-15:00; 火 09:00-12:00」の形で書いてください。"),
    "coordinates_swapped": _("緯度と経度が入れ替わっています（緯度は20～46、経度は122～154）。"),
    "coordinates_outside": _("日本の範囲にない座標です（緯度は20～46、経度は122～154）。"),
    "coordinates_half": _("緯度と経度は両方入れるか、両方空にしてください。"),
    "number": _("数で書いてください。"),
    "date": _("日付を読めません。「2026-04-01」「令和8年4月1日」のように書いてください。"),
    "url": _("URLを読めません。「https://」から書いてください。"),
    "email": _("メールアドレスを読めません。"),
    "too_long": _("長すぎます。"),
    "boolean": _("「1」か「0」で書いてください。"),
    "choice": _("選べる値ではありません。"),
    "area_code": _("この地区コードはありません。"),
    "age_order": _("対象年齢の下限が上限以上です。"),
    "ages_unread": _("受入年齢を読めないため、年齢での絞り込みには使いません（表記はそのまま表示します）。"),
    "area_unset": _("住所からも座標からも地区が分からないため「未設定」にします。"),
    "formula": _("数式のように始まる値です。文字として登録し、出力では数式として動かないようにします。"),
    "hub_new": _(
        "地域子育て支援拠点・出張ひろばは一括登録では追加しません。拠点の登録（申請）から登録してください。"
    ),
    "hub_directory_only": _(
        "承認済みの拠点は名称・電話番号・URL・アクセス・備考だけを更新します。ほかの項目は拠点の登録で変更します。"
    ),
    "hub_schedule_request": _("拠点の開設時間の変更は、拠点の変更申し出として市の確認に回します。"),
    "hub_schedule_refused": _("拠点の要件に合わないため、開設時間の変更は申し出にしません: %(rules)s"),
}

# --- the report ------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Report:
    """What an import did or would do; stored as JSON on the ImportBatch."""

    counts: dict[str, int] = dataclasses.field(
        default_factory=lambda: dict.fromkeys(["create", "update", "unchanged", "hold", "hub"], 0)
    )
    held: list[dict] = dataclasses.field(default_factory=list)
    notes: list[dict] = dataclasses.field(default_factory=list)
    changes: list[dict] = dataclasses.field(default_factory=list)
    unknown_categories: list[str] = dataclasses.field(default_factory=list)
    ignored_columns: list[str] = dataclasses.field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.counts["hold"]

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        """From a batch's stored report (which also keeps the file's header and any problem)."""
        return cls(**{f.name: data[f.name] for f in dataclasses.fields(cls) if f.name in data})

    def lines(self) -> Iterator[str]:
        """The report as text lines (management command), in the active language."""
        counts = self.counts
        yield str(
            _(
                "新規 %(create)s件、更新 %(update)s件、変更なし %(unchanged)s件、保留 %(hold)s件、拠点 %(hub)s件"
            )
            % counts
        )
        for kind, items in ((_("保留"), self.held), (_("お知らせ"), self.notes)):
            for item in items:
                yield f"{kind}: {_('%(row)s行目') % item} {item['column']} 「{item['value']}」: {reason_text(item)}"
        for change in self.changes:
            yield f"{_('%(row)s行目') % change} {change['name']}: {change['field']} 「{change['old']}」→「{change['new']}」"


def reason_text(item: dict) -> str:
    reason = REASONS[item["reason"]]
    return str(reason) % item["params"] if item.get("params") else str(reason)
