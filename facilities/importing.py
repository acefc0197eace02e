"""一括登録・出力: the directory as CSV in the 自治体標準オープンデータセット「子育て施設一覧」layout.

The standard's columns come first (names as in the data-item definition); our own columns follow with
the prefix 拡張_ (see docs/search.md). Import reads UTF-8 (with or without BOM) or Shift_JIS/CP932, is
all-or-nothing, and reports every bad cell with row number, column and reason. The ``ID`` column is the
natural key: importing the same file again updates the entries instead of adding copies, and an
export imports back unchanged.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilities.models import Area, Category, Location, Organization, Service, WeeklyHours
from portal.spreadsheets import CsvWriter

# The standard's columns (子育て施設一覧), then ours.
STANDARD_COLUMNS = [
    "全国地方公共団体コード",
    "ID",
    "地方公共団体名",
    "名称",
    "名称_カナ",
    "種別",
    "所在地_連結表記",
    "緯度",
    "経度",
    "電話番号",
    "団体名",
    "利用可能曜日",
    "開始時間",
    "終了時間",
    "利用可能日時特記事項",
    "対象年齢",
    "URL",
    "備考",
]
EXTRA_COLUMNS = [
    "拡張_種別コード",
    "拡張_地区コード",
    "拡張_郵便番号",
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
    "拡張_メールアドレス",
    "拡張_ネット予約",
    "拡張_予約なし可",
    "拡張_祝日休み",
    "拡張_曜日別時間",
    "拡張_状態",
    "拡張_公開",
    "拡張_アクセス",
    "拡張_バリアフリー",
    "拡張_情報確認日",
]
COLUMNS = STANDARD_COLUMNS + EXTRA_COLUMNS
REQUIRED = ["ID", "名称", "所在地_連結表記", "拡張_地区コード"]
WEEKDAY_CHARS = "月火水木金土日"
# An exported ID for entries that came without one; it maps back to the same entry.
OWN_ID = re.compile(r"^portal-(\d+)$")
TRUE_WORDS = {"1", "true", "yes", "はい", "○", "〇", "有", "あり", "可"}
FALSE_WORDS = {"0", "false", "no", "いいえ", "×", "無", "なし", "不可"}


@dataclasses.dataclass
class RowError:
    row: int
    column: str
    reason: str


@dataclasses.dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSVファイル"),
        help_text=gettext_lazy("「子育て施設一覧」の形式。文字コードは UTF-8 または Shift_JIS（CP932）。"),
    )


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not) first; a spreadsheet's Shift_JIS export otherwise."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp932")


class _RowReader:
    """Typed access to one CSV row that records a RowError instead of raising."""

    def __init__(self, row: dict[str, str], number: int, errors: list[RowError]) -> None:
        self.row, self.number, self.errors = row, number, errors

    def error(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.number, column, reason))

    def text(self, column: str) -> str:
        return (self.row.get(column) or "").strip()

    def boolean(self, column: str, default: bool) -> bool:
        value = self.text(column).lower()
        if not value:
            return default
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.error(column, _("「1」か「0」で入れてください。"))
        return default

    def integer(self, column: str) -> int | None:
        value = self.text(column)
        if not value:
            return None
        try:
            number = int(value)
        except ValueError:
            self.error(column, _("整数で入れてください。"))
            return None
        if number < 0:
            self.error(column, _("0以上の数で入れてください。"))
            return None
        return number

    def decimal(self, column: str) -> Decimal | None:
        value = self.text(column)
        if not value:
            return None
        try:
            return Decimal(value).quantize(Decimal("0.000001"))
        except InvalidOperation:
            self.error(column, _("数値で入れてください。"))
            return None

    def date(self, column: str) -> dt.date | None:
        value = self.text(column)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value.replace("/", "-"))
        except ValueError:
            self.error(column, _("日付は 2026-04-01 の形で入れてください。"))
            return None


def _parse_time(value: str) -> dt.time:
    hours, minutes = value.strip().split(":")
    return dt.time(int(hours) % 24, int(minutes))


def parse_weekly(value: str) -> list[tuple[int, dt.time, dt.time]]:
    """「月 09:00-15:00; 火 09:00-12:00; 火 13:00-15:00」→ periods. Raises ValueError."""
    periods = []
    for part in re.split(r"[;；]", value):
        part = part.strip()
        if not part:
            continue
        day, _space, span = part.partition(" ")
        opens, _dash, closes = span.strip().partition("-")
        if day not in WEEKDAY_CHARS or not closes:
            raise ValueError(part)
        periods.append((WEEKDAY_CHARS.index(day), _parse_time(opens), _parse_time(closes)))
    return periods


def format_weekly(periods: list[WeeklyHours]) -> str:
    return "; ".join(f"{WEEKDAY_CHARS[p.weekday]} {p.opens_at:%H:%M}-{p.closes_at:%H:%M}" for p in periods)


def _standard_hours(reader: _RowReader) -> list[tuple[int, dt.time, dt.time]]:
    """Periods from the standard's 利用可能曜日 / 開始時間 / 終了時間 (one range for those days)."""
    days, opens, closes = reader.text("利用可能曜日"), reader.text("開始時間"), reader.text("終了時間")
    if not days:
        return []
    try:
        start, end = _parse_time(opens), _parse_time(closes)
    except ValueError:
        reader.error("開始時間", _("時刻は 09:00 の形で入れてください。"))
        return []
    weekdays = [WEEKDAY_CHARS.index(c) for c in days if c in WEEKDAY_CHARS]
    if not weekdays:
        reader.error("利用可能曜日", _("曜日は「月火水木金」のように入れてください。"))
    return [(day, start, end) for day in weekdays]


def _choice(reader: _RowReader, column: str, choices: Any, default: str) -> str:
    value = reader.text(column)
    if not value:
        return default
    for code, label in choices.choices:
        if value in {code, str(label)}:
            return code
    reader.error(column, _("「%(value)s」は選べる値ではありません。") % {"value": value})
    return default


def _find_service(source_id: str) -> Service | None:
    own = OWN_ID.match(source_id)
    if own:
        return Service.objects.filter(pk=int(own.group(1))).first()
    return Service.objects.filter(source_id=source_id).first()


def _import_row(
    reader: _RowReader, areas: dict[str, Area], categories: dict[str, Category], seen: set[str]
) -> bool | None:
    """Create or update one service from its row; True if created, None if the row has errors."""
    errors_before = len(reader.errors)
    for column in REQUIRED:
        if not reader.text(column):
            reader.error(column, _("必須の項目です。"))
    source_id = reader.text("ID")
    if source_id in seen:
        reader.error("ID", _("同じIDの行がファイルの中に2つあります。"))
    seen.add(source_id)
    area = areas.get(reader.text("拡張_地区コード"))
    if reader.text("拡張_地区コード") and area is None:
        reader.error("拡張_地区コード", _("この地区コードはありません。"))
    category = categories.get(reader.text("拡張_種別コード")) or categories.get(reader.text("種別"))
    if category is None:
        reader.error("種別", _("種別が分かりません（種別名か拡張_種別コードを入れてください）。"))
    weekly_text = reader.text("拡張_曜日別時間")
    try:
        periods = parse_weekly(weekly_text) if weekly_text else _standard_hours(reader)
    except ValueError as exc:
        reader.error(
            "拡張_曜日別時間",
            _("「%(part)s」を読めません。「月 09:00-15:00」の形で入れてください。") % {"part": exc},
        )
        periods = []
    fields = {
        "name": reader.text("名称"),
        "name_kana": reader.text("名称_カナ"),
        "description": reader.text("拡張_説明") or reader.text("備考"),
        "min_age_months": reader.integer("拡張_対象月齢_下限"),
        "max_age_months": reader.integer("拡張_対象月齢_上限"),
        "for_pregnant": reader.boolean("拡張_妊娠中も対象", False),
        "residents_only": reader.boolean("拡張_市民のみ", False),
        "is_free": reader.boolean("拡張_無料", True),
        "fee": reader.text("拡張_料金"),
        "phone": reader.text("電話番号"),
        "email": reader.text("拡張_メールアドレス"),
        "url": reader.text("URL"),
        "bookable_online": reader.boolean("拡張_ネット予約", False),
        "walk_in": reader.boolean("拡張_予約なし可", False),
        "closed_on_holidays": reader.boolean("拡張_祝日休み", True),
        "status": _choice(reader, "拡張_状態", Service.Status, Service.Status.ACTIVE),
        "published": reader.boolean("拡張_公開", True),
    }
    last_checked = reader.date("拡張_情報確認日")
    latitude, longitude = reader.decimal("緯度"), reader.decimal("経度")
    kind = _choice(reader, "拡張_運営種別", Organization.Kind, Organization.Kind.OTHER)
    if len(reader.errors) > errors_before:
        return None

    organization_name = reader.text("団体名") or fields["name"]
    organization, _created = Organization.objects.get_or_create(
        name=organization_name, defaults={"kind": kind}
    )
    location_name = reader.text("拡張_施設名称") or fields["name"]
    location = Location.objects.filter(
        name=location_name, address=reader.text("所在地_連結表記")
    ).first() or Location(name=location_name, address=reader.text("所在地_連結表記"))
    location.name_kana = reader.text("拡張_施設名称_カナ") or location.name_kana
    location.postal_code = reader.text("拡張_郵便番号")
    location.area = area
    location.latitude, location.longitude = latitude, longitude
    location.access_notes = reader.text("拡張_アクセス")
    location.barrier_free_notes = reader.text("拡張_バリアフリー")

    service = _find_service(source_id)
    created = service is None
    if service is None:
        service = Service(source_id=None if OWN_ID.match(source_id) else source_id)
    for name, value in fields.items():
        setattr(service, name, value)
    if last_checked:
        service.last_checked = last_checked
    service.organization, service.category = organization, category
    try:
        location.full_clean()
        location.save()
        service.location = location
        service.full_clean(exclude=["search_name", "search_text", "search_grams"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            column = field if field != "__all__" else "拡張_対象月齢_下限"
            for message in messages:
                reader.error(column, message)
        return None
    service.save()
    service.weekly_hours.all().delete()
    WeeklyHours.objects.bulk_create(
        WeeklyHours(service=service, weekday=day, opens_at=opens, closes_at=closes)
        for day, opens, closes in periods
    )
    return created


def import_services(*, data: bytes) -> ImportReport:
    """Import a CSV file, all rows or none; the report lists every bad cell."""
    report = ImportReport()
    try:
        text = decode(data)
    except UnicodeDecodeError:
        report.errors.append(RowError(1, "", _("文字コードが UTF-8 でも Shift_JIS でもありません。")))
        return report
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
    if missing:
        report.errors += [RowError(1, column, _("見出しの行にこの列がありません。")) for column in missing]
        return report
    areas = {a.code: a for a in Area.objects.all()}
    categories: dict[str, Category] = {}
    for category in Category.objects.all():
        categories[category.slug] = categories[category.name] = category
    seen: set[str] = set()
    with transaction.atomic():
        for number, row in enumerate(reader, start=2):
            result = _import_row(_RowReader(row, number, report.errors), areas, categories, seen)
            if result is True:
                report.created += 1
            elif result is False:
                report.updated += 1
        if report.errors:
            transaction.set_rollback(True)
            report.created = report.updated = 0
    return report


def _age_text(service: Service) -> str:
    low, high = service.min_age_months, service.max_age_months
    if low is None and high is None:
        return ""
    return f"{'' if low is None else f'{low}か月'}～{'' if high is None else f'{high}か月未満'}"


def _standard_days(periods: list[WeeklyHours]) -> tuple[str, str, str]:
    if not periods:
        return "", "", ""
    days = "".join(WEEKDAY_CHARS[d] for d in sorted({p.weekday for p in periods}))
    return (
        days,
        min(p.opens_at for p in periods).strftime("%H:%M"),
        max(p.closes_at for p in periods).strftime("%H:%M"),
    )


def export_services_csv(out: IO[str]) -> int:
    """Write every directory entry (hidden ones too) in the import layout; returns the row count."""
    writer = CsvWriter(out)
    writer.writerow(COLUMNS)
    services = Service.objects.select_related("category", "organization", "location__area").prefetch_related(
        "weekly_hours"
    )
    count = 0
    city_code = getattr(settings, "CITY_CODE", "")
    for service in services.order_by("pk").iterator(chunk_size=500):
        location = service.location
        periods = list(service.weekly_hours.all())
        days, opens, closes = _standard_days(periods)
        row = {
            "全国地方公共団体コード": city_code,
            "ID": service.source_id or f"portal-{service.pk}",
            "地方公共団体名": settings.CITY_NAME,
            "名称": service.name,
            "名称_カナ": service.name_kana,
            "種別": service.category.name,
            "所在地_連結表記": location.address,
            "緯度": "" if location.latitude is None else str(location.latitude),
            "経度": "" if location.longitude is None else str(location.longitude),
            "電話番号": service.phone,
            "団体名": service.organization.name,
            "利用可能曜日": days,
            "開始時間": opens,
            "終了時間": closes,
            "利用可能日時特記事項": "",
            "対象年齢": _age_text(service),
            "URL": service.url,
            "備考": "",
            "拡張_種別コード": service.category.slug,
            "拡張_地区コード": location.area.code,
            "拡張_郵便番号": location.postal_code,
            "拡張_施設名称": location.name,
            "拡張_施設名称_カナ": location.name_kana,
            "拡張_運営種別": service.organization.kind,
            "拡張_説明": service.description,
            "拡張_対象月齢_下限": "" if service.min_age_months is None else service.min_age_months,
            "拡張_対象月齢_上限": "" if service.max_age_months is None else service.max_age_months,
            "拡張_妊娠中も対象": int(service.for_pregnant),
            "拡張_市民のみ": int(service.residents_only),
            "拡張_無料": int(service.is_free),
            "拡張_料金": service.fee,
            "拡張_メールアドレス": service.email,
            "拡張_ネット予約": int(service.bookable_online),
            "拡張_予約なし可": int(service.walk_in),
            "拡張_祝日休み": int(service.closed_on_holidays),
            "拡張_曜日別時間": format_weekly(periods),
            "拡張_状態": service.status,
            "拡張_公開": int(service.published),
            "拡張_アクセス": location.access_notes,
            "拡張_バリアフリー": location.barrier_free_notes,
            "拡張_情報確認日": service.last_checked.isoformat(),
        }
        writer.writerow([row[column] for column in COLUMNS])
        count += 1
    return count
