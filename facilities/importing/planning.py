"""Planning rows: each row of a file read against the database into what it would create or
change, or held with the cell, column and reason (never guessed)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from facilities import notation
from facilities.importing.files import Cell
from facilities.importing.layouts import format_weekly, parse_weekly
from facilities.models import (
    Area,
    Category,
    CategoryLabel,
    Location,
    Organization,
    Service,
    TownArea,
    WeeklyHours,
)
from facilities.text import normalize

# Cells that mean "nothing here" in published lists: a dash anywhere; the words too in a cell that
# holds a number, a time, a phone number or a URL (in 駐車場情報, 「なし」 is information and stays).
PLACEHOLDERS = {"-", "－", "ー", "―", "‐", "—"}
EMPTY_WORDS = PLACEHOLDERS | {"なし", "無し", "該当なし", "不明", "未定"}
_STRUCTURED = {
    "id", "latitude", "longitude", "phone", "url", "email", "capacity", "days", "opens", "closes",
    "corporate_number", "last_checked",
}  # fmt: skip
# 団体名 values that name no one: each such row keeps its own operator (never merged on them).
OPERATOR_PLACEHOLDERS = EMPTY_WORDS | {"個人", "個人立", "（個人立）", "(個人立)", "個人経営", "その他"}
FREE_WORDS = {"無料", "0円", "無償"}
TRUE_WORDS = {"1", "true", "yes", "はい", "○", "〇", "有", "あり", "可"}
FALSE_WORDS = {"0", "false", "no", "いいえ", "×", "無", "なし", "不可"}
# An exported ID for entries that came without one; it maps back to the same entry.
OWN_ID = re.compile(r"^portal-(\d+)$")
UNSET_AREA_CODE = "unset"
HUB_CATEGORIES = {"hub", "popup-hub"}
# What a file's row of a new hub may prefill in the registry's application form (hubs:register).
HUB_APPLICATION_FIELDS = ("name", "name_kana", "phone", "email", "url", "description")
# What an import may change on an approved hub's entry: the directory-facing fields only.
HUB_DIRECTORY_FIELDS = ("name", "phone", "url", "remarks")


# --- reading one row -----------------------------------------------------------------------------------


@dataclasses.dataclass
class _Row:
    """One row's cells by target, with the file's own column names for messages."""

    number: int
    cells: dict[str, Cell]
    columns: dict[str, str]
    held: list[dict] = dataclasses.field(default_factory=list)
    notes: list[dict] = dataclasses.field(default_factory=list)

    def has(self, target: str) -> bool:
        return target in self.cells

    def raw(self, target: str) -> Cell:
        return self.cells.get(target, "")

    def text(self, target: str) -> str:
        value = self.cells.get(target, "")
        if not isinstance(value, str):
            return str(value)
        value = value.strip()
        if value[:1] == "'" and value[1:2] in _FORMULA_START:
            value = value[1:]  # our export's guard against formulas (portal.spreadsheets.safe_cell)
        return "" if value in (EMPTY_WORDS if target in _STRUCTURED else PLACEHOLDERS) else value

    def texts(self, fields: dict[str, str]) -> dict[str, str]:
        """{field: cell text} for the targets the file has; a column it lacks leaves its field as it is."""
        return {field: self.text(target) for field, target in fields.items() if self.has(target)}

    def _item(self, target: str, reason: str, value: Cell | None, params: dict | None) -> dict:
        shown = self.text(target) if value is None else str(value)
        return {
            "row": self.number,
            "column": self.columns.get(target, target),
            "value": shown[:200],
            "reason": reason,
            "params": params or {},
        }

    def hold(self, target: str, reason: str, value: Cell | None = None, params: dict | None = None) -> None:
        self.held.append(self._item(target, reason, value, params))

    def note(self, target: str, reason: str, value: Cell | None = None, params: dict | None = None) -> None:
        self.notes.append(self._item(target, reason, value, params))

    def boolean(self, target: str) -> bool | None:
        value = self.text(target).lower()
        if not value:
            return None
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.hold(target, "boolean")
        return None

    def count(self, target: str) -> int | None:
        value = self.text(target)
        if not value:
            return None
        try:
            return notation.parse_count(value)
        except notation.NotationError:
            self.hold(target, "number")
            return None

    def date(self, target: str) -> dt.date | None:
        value = self.raw(target)
        if not self.text(target):
            return None
        try:
            return notation.parse_date(value)
        except notation.NotationError:
            self.hold(target, "date")
            return None

    def limited(self, target: str, max_length: int) -> str:
        value = self.text(target)
        if len(value) > max_length:
            self.hold(target, "too_long")
            return value[:max_length]
        return value


# Cells where a value starting like a formula is worth a word to the clerk (it is stored as text, and
# the export writes it so that no spreadsheet runs it).
_FORMULA_TARGETS = ("name", "organization", "address", "access", "hours_notes", "remarks")

# Which column a model field's error belongs to.
_SERVICE_TARGETS = {
    "name": "name",
    "name_kana": "name_kana",
    "phone": "phone",
    "email": "email",
    "url": "url",
    "fee": "fee",
    "age_text": "ages",
    "capacity": "capacity",
    "source_id": "id",
}
_LOCATION_TARGETS = {
    "name": "拡張_施設名称",
    "name_kana": "拡張_施設名称_カナ",
    "address": "address",
    "address_detail": "address_detail",
    "postal_code": "postal_code",
}


def _looks_like_formula(value: str) -> bool:
    return value.startswith(_FORMULA_START) and not re.match(r"^-\s*\d", value)


_FORMULA_START = ("=", "+", "-", "@")


@dataclasses.dataclass
class _Planned:
    """What one row becomes: the values to write, and what they change on an existing entry."""

    number: int
    action: str  # create | update | unchanged | hold | hub
    name: str = ""
    service: Service | None = None
    category: Category | None = None
    service_values: dict[str, Any] = dataclasses.field(default_factory=dict)
    location: Location | None = None
    location_values: dict[str, Any] = dataclasses.field(default_factory=dict)
    organization: Organization | None = None
    organization_values: dict[str, Any] = dataclasses.field(default_factory=dict)
    periods: list[tuple[int, dt.time, dt.time]] | None = None
    periods_changed: bool = False
    write: bool = True  # False: listed in the report, nothing written (a hub the registry must make)
    hub_periods: list[tuple[int, dt.time, dt.time]] | None = None
    changes: list[dict] = dataclasses.field(default_factory=list)


def _weekly_of(services: list[Service]) -> dict[int, list[tuple[int, dt.time, dt.time]]]:
    periods: dict[int, list[tuple[int, dt.time, dt.time]]] = {}
    ids = [s.pk for s in services]
    for start in range(0, len(ids), 5000):
        for row in WeeklyHours.objects.filter(service_id__in=ids[start : start + 5000]).values_list(
            "service_id", "weekday", "opens_at", "closes_at"
        ):
            periods.setdefault(row[0], []).append(row[1:])
    return {pk: sorted(p) for pk, p in periods.items()}


def _address_of(row: _Row) -> str:
    """所在地_連結表記 (or 住所), else the four 所在地_ parts joined."""
    address = row.text("address")
    if not address:
        parts = [row.text(f"keep:所在地_{p}") for p in ("都道府県", "市区町村", "町字", "番地以下")]
        address = "".join(parts)
    return address


def organization_kind(name: str, *, city_names: set[str]) -> str:
    """運営種別 from an operator's name: the city itself is 市町村直営, never その他."""
    if name in city_names or any(name.endswith(city) for city in city_names if city):
        return Organization.Kind.MUNICIPAL
    if "社会福祉法人" in name or "社福" in name:
        return Organization.Kind.SOCIAL_WELFARE
    if "NPO" in unicodedata.normalize("NFKC", name) or "特定非営利活動法人" in name:
        return Organization.Kind.NPO
    if any(w in name for w in ("株式会社", "有限会社", "合同会社", "(株)", "（株）", "学校法人", "医療法人")):
        return Organization.Kind.PRIVATE
    return Organization.Kind.OTHER


class _Planner:
    """Reads rows against what the database holds, loaded once (a 10,000-row file is one pass)."""

    def __init__(self, mapping: dict[str, str]) -> None:
        self.mapping = {column: target for column, target in mapping.items() if target}
        categories = list(Category.objects.all())
        self.categories = {c.slug: c for c in categories}
        by_pk = {c.pk: c for c in categories}
        self.category_names = {normalize(c.name): c for c in categories}
        self.labels = {
            label: by_pk[pk]
            for label, pk in CategoryLabel.objects.values_list("label_normalized", "category_id")
        }
        self.areas = {a.code: a for a in Area.objects.all()}
        self.towns = sorted(
            ((normalize(t.town), t.area) for t in TownArea.objects.select_related("area")),
            key=lambda t: -len(t[0]),
        )
        self.centres = self._area_centres()
        services = list(Service.objects.select_related("location", "organization", "category"))
        self.services = {s.source_id: s for s in services if s.source_id}
        # Entries made in the portal export as portal-<pk> and come back by it.
        self.services_by_pk = {s.pk: s for s in services}
        # A file without IDs (a city's own spreadsheet) finds its entries by name and address.
        self.services_by_place = {(normalize(s.name), normalize(s.location.address)): s for s in services}
        self.weekly = _weekly_of(services)
        # Entries of the hub registry (its Hub and PopupPlaza rows point at these services).
        self.hub_service_ids = set(Service.objects.filter(hub__isnull=False).values_list("pk", flat=True))
        self.popup_service_ids = set(
            Service.objects.filter(popup_plaza__isnull=False).values_list("pk", flat=True)
        )
        self.organizations_by_number = {
            o.corporate_number: o for o in Organization.objects.exclude(corporate_number="")
        }
        self.organizations_by_name = {o.name: o for o in Organization.objects.order_by("-pk")}
        self.locations = {(loc.name, loc.address): loc for loc in Location.objects.order_by("-pk")}
        self.city_names = {settings.CITY_NAME}
        self.seen_ids: set[str] = set()
        self.unknown_categories: list[str] = []

    def _area_centres(self) -> list[tuple[float, float, Area]]:
        """The mean position of each district's located places (for rows with coordinates only)."""
        sums: dict[int, list[float]] = {}
        for area_id, lat, lng in Location.objects.exclude(latitude=None).values_list(
            "area_id", "latitude", "longitude"
        ):
            entry = sums.setdefault(area_id, [0.0, 0.0, 0.0])
            entry[0] += float(lat)
            entry[1] += float(lng)
            entry[2] += 1
        by_pk = {a.pk: a for a in self.areas.values()}
        return [
            (lat / n, lng / n, by_pk[pk])
            for pk, (lat, lng, n) in sums.items()
            if pk in by_pk and by_pk[pk].code != UNSET_AREA_CODE
        ]

    def read(self, number: int, cells: list[Cell], header: list[str]) -> _Row:
        values: dict[str, Cell] = {}
        columns: dict[str, str] = {}
        for index, column in enumerate(header):
            target = self.mapping.get(column)
            if target:
                values[target] = cells[index] if index < len(cells) else ""
                columns[target] = column
        return _Row(number, values, columns)

    # --- one row ---

    def plan(self, row: _Row) -> _Planned:
        name = row.limited("name", 200)
        if not name:
            row.hold("name", "required")
        source_id = row.limited("id", 50)
        if source_id:
            if source_id in self.seen_ids:
                row.hold("id", "duplicate_id")
            self.seen_ids.add(source_id)
        existing = self._existing(source_id) if source_id else self._same_place(name, _address_of(row))
        category = self._category(row, existing)
        for target in _FORMULA_TARGETS:
            if row.has(target) and _looks_like_formula(row.text(target)):
                row.note(target, "formula")
        planned = _Planned(row.number, "hold", name=name, service=existing, category=category)
        planned.service_values = self._service_values(row, existing)
        if category is not None and row.has("category"):
            self._keep_category_label(row.text("category"), category, planned, existing)
        planned.location_values = self._location_values(row, existing)
        planned.periods, holidays = self._periods(row)
        if holidays is not None and "closed_on_holidays" not in planned.service_values:
            planned.service_values["closed_on_holidays"] = not holidays
        self._validate(row, planned)
        if existing is not None and (
            existing.pk in self.hub_service_ids
            or existing.pk in self.popup_service_ids
            or existing.category.slug in HUB_CATEGORIES
        ):
            self._plan_hub(row, planned)
        elif category is not None and category.slug in HUB_CATEGORIES:
            # Not a registered hub (a new row, or an entry of another kind made a hub): only the
            # registry makes hubs, so the row is listed and nothing of it is written.
            # What the file says of the entry goes with the note, so the clerk starts the 申請中
            # application in the registry from it (facilities.import_views.hub_application_url).
            entry = {key: planned.service_values.get(key) or "" for key in HUB_APPLICATION_FIELDS}
            row.note("category", "hub_new", value=row.text("category") or category.name, params=entry)
            planned.action, planned.write = "hub", False
        if row.held:
            planned.action = "hold"
            return planned
        if not planned.write:
            return planned
        if planned.action == "hub":
            planned.organization, planned.location = existing.organization, existing.location
        else:
            planned.organization = self._organization(row, existing, planned)
            planned.location = self._location(planned.location_values, existing)
            if planned.location.pk is None or planned.location.area_id is None:
                self._area(row, planned)
            elif (area := self._area_from_file(row)) is not None:
                planned.location_values["area"] = area
        if row.held:  # the district code or the operator kind just read
            planned.action = "hold"
            return planned
        planned.changes = self._changes(planned)
        if planned.action == "hub" and (planned.changes or planned.hub_periods is not None):
            row.note("name", "hub_directory_only", value=planned.name)
        elif planned.action == "hub":
            planned.action = "unchanged"
        else:
            planned.action = "create" if existing is None else ("update" if planned.changes else "unchanged")
        return planned

    @staticmethod
    def _keep_category_label(
        label: str, category: Category, planned: _Planned, existing: Service | None
    ) -> None:
        """The file's own 種別 (認可私立保育所) stays with the entry when it is not the category's name,
        so the export gives it back as published."""
        open_data = planned.service_values.get("open_data")
        if open_data is None:
            open_data = dict(existing.open_data) if existing is not None else {}
        if label and normalize(label) != normalize(category.name):
            open_data["種別"] = label
        else:
            open_data.pop("種別", None)
        planned.service_values["open_data"] = open_data

    def _same_place(self, name: str, address: str) -> Service | None:
        if not name or not address:
            return None
        return self.services_by_place.get((normalize(name), normalize(address)))

    def _existing(self, source_id: str) -> Service | None:
        own = OWN_ID.match(source_id)
        if own:
            return self.services_by_pk.get(int(own.group(1)))
        return self.services.get(source_id) if source_id else None

    def _category(self, row: _Row, existing: Service | None) -> Category | None:
        slug = row.text("拡張_種別コード")
        if slug and slug in self.categories:
            return self.categories[slug]
        label = row.text("category")
        if not label:
            if existing is not None:
                return existing.category
            row.hold("category", "required")
            return None
        key = normalize(label)
        category = self.labels.get(key) or self.category_names.get(key)
        if category is None:
            row.hold("category", "category_unknown")
            if label not in self.unknown_categories:
                self.unknown_categories.append(label)
        return category

    def _service_values(self, row: _Row, existing: Service | None) -> dict[str, Any]:
        values: dict[str, Any] = {"name": row.text("name")}
        if existing is None:
            # Unknown stays unknown: no cost column → cost unknown; no 情報確認日 → not confirmed.
            values.update(is_free=None, last_checked=None)
        if row.has("id") and not OWN_ID.match(row.text("id")):
            values["source_id"] = row.text("id") or None
        if row.text("name_kana"):
            values["name_kana"] = row.text("name_kana")  # empty: the portal keeps or makes its own reading
        values.update(
            row.texts(
                {
                    "description": "description",
                    "fee": "fee",
                    "hours_notes": "hours_notes",
                    "remarks": "remarks",
                }
                | {"email": "email", "url": "url"}
            )
        )
        if row.has("phone"):
            values["phone"] = notation.normalize_phone(row.text("phone"))
        if row.has("capacity"):
            values["capacity"] = row.count("capacity")
        if row.has("last_checked"):
            values["last_checked"] = row.date("last_checked")
        self._ages(row, values)
        flags = {
            "residents_only": "拡張_市民のみ",
            "bookable_online": "拡張_ネット予約",
            "walk_in": "拡張_予約なし可",
            "closed_on_holidays": "拡張_祝日休み",
            "published": "拡張_公開",
        }
        for field, target in flags.items():
            flag = row.boolean(target) if row.has(target) else None
            if flag is not None:
                values[field] = flag
        if row.has("拡張_無料"):
            values["is_free"] = row.boolean("拡張_無料")
        elif row.text("fee"):
            # A fee column says free or not only when it says so; an empty cell leaves the cost unknown.
            values["is_free"] = normalize(row.text("fee")) in FREE_WORDS
        if row.text("拡張_状態"):
            status = row.text("拡張_状態")
            choices = {code: code for code in Service.Status.values} | {
                str(label): code for code, label in Service.Status.choices
            }
            if status in choices:
                values["status"] = choices[status]
            else:
                row.hold("拡張_状態", "choice")
        kept = {t.removeprefix("keep:"): row.text(t) for t in row.cells if t.startswith("keep:")}
        if kept:
            open_data = dict(existing.open_data) if existing is not None else {}
            open_data.update({k: v for k, v in kept.items() if v})
            for key in [k for k, v in kept.items() if not v]:
                open_data.pop(key, None)
            values["open_data"] = open_data
        return values

    def _ages(self, row: _Row, values: dict[str, Any]) -> None:
        if row.has("ages"):
            text = row.text("ages")
            values["age_text"] = text
            ages = notation.Ages()
            if text:
                try:
                    ages = notation.parse_ages(text)
                except notation.NotationError:
                    row.note("ages", "ages_unread")
            values.update(min_age_months=ages.min_months, max_age_months=ages.max_months)
            values["for_pregnant"] = ages.for_pregnant
        for field, target in (
            ("min_age_months", "拡張_対象月齢_下限"),
            ("max_age_months", "拡張_対象月齢_上限"),
        ):
            if row.has(target):
                values[field] = row.count(target)
        if row.has("拡張_妊娠中も対象") and row.boolean("拡張_妊娠中も対象") is not None:
            values["for_pregnant"] = row.boolean("拡張_妊娠中も対象")
        low, high = values.get("min_age_months"), values.get("max_age_months")
        if low is not None and high is not None and low >= high:
            row.hold("拡張_対象月齢_下限" if row.has("拡張_対象月齢_下限") else "ages", "age_order")

    def _location_values(self, row: _Row, existing: Service | None) -> dict[str, Any]:
        values: dict[str, Any] = {}
        address = _address_of(row)
        if address:
            values["address"] = address
        elif existing is None:
            row.hold("address", "required")
        values["name"] = row.text("拡張_施設名称") or row.text("name")
        values.update(
            row.texts(
                {
                    "name_kana": "拡張_施設名称_カナ",
                    "address_detail": "address_detail",
                    "postal_code": "postal_code",
                    "access_notes": "access",
                    "parking_notes": "parking",
                    "barrier_free_notes": "拡張_バリアフリー",
                }
            )
        )
        if row.has("latitude") or row.has("longitude"):
            values.update(self._coordinates(row))
        return values

    def _coordinates(self, row: _Row) -> dict[str, Decimal | None]:
        lat, lng = row.text("latitude"), row.text("longitude")
        if bool(lat) != bool(lng):
            row.hold("latitude" if not lat else "longitude", "coordinates_half")
            return {}
        try:
            pair = notation.parse_coordinates(lat, lng)
        except notation.SwappedCoordinates:
            row.hold("latitude", "coordinates_swapped", value=f"{lat} / {lng}")
            return {}
        except notation.NotationError as error:
            row.hold("latitude" if error.value == lat else "longitude", "coordinates_outside")
            return {}
        if pair is None:
            return {"latitude": None, "longitude": None}
        return {"latitude": pair[0], "longitude": pair[1]}

    def _periods(self, row: _Row) -> tuple[list[tuple[int, dt.time, dt.time]] | None, bool | None]:
        """(periods or None for "the file says nothing", open on 祝日 if the cell says)."""
        weekly = row.text("拡張_曜日別時間")
        if weekly:
            try:
                return parse_weekly(weekly), None
            except notation.NotationError:
                row.hold("拡張_曜日別時間", "weekly")
                return None, None
        if not row.has("days") and not row.has("opens"):
            return (None if not row.has("拡張_曜日別時間") else []), None
        days_text, opens, closes = row.text("days"), row.raw("opens"), row.raw("closes")
        opens = "" if isinstance(opens, str) and opens.strip() in EMPTY_WORDS else opens
        closes = "" if isinstance(closes, str) and closes.strip() in EMPTY_WORDS else closes
        if not days_text and not str(opens).strip() and not str(closes).strip():
            return [], None
        if not str(opens).strip() and not str(closes).strip() and re.search(r"\d", notation.fold(days_text)):
            # Days and times written together in 利用可能曜日 (月～金 9:00～17:00、土 9:00～12:00).
            try:
                return notation.parse_schedule(days_text)
            except notation.NotationError:
                row.hold("days", "days", value=days_text)
                return None, None
        try:
            days = notation.parse_days(days_text)
        except notation.NotationError:
            row.hold("days", "days", value=days_text)
            return None, None
        if not str(opens).strip():
            row.hold("opens", "time_missing", value="")
            return None, days.open_on_holidays
        try:
            if isinstance(opens, str) and not str(closes).strip():
                span = notation.parse_span(opens, "")
            else:
                span = (notation.parse_time(opens), None)
                span = (span[0], notation.parse_time(closes)) if str(closes).strip() else span
        except notation.NotationError as error:
            target = "closes" if str(closes).strip() and error.value == closes else "opens"
            row.hold(target, "time", value=error.value)
            return None, days.open_on_holidays
        if span[1] is None:
            row.hold("closes", "time_missing", value="")
            return None, days.open_on_holidays
        return sorted((day, span[0], span[1]) for day in days.weekdays), days.open_on_holidays

    def _validate(self, row: _Row, planned: _Planned) -> None:
        """Field rules of the models (lengths, URL, e-mail) on each value, reported on its column."""
        checks = (
            (Service, planned.service_values, _SERVICE_TARGETS),
            (Location, planned.location_values, _LOCATION_TARGETS),
        )
        for model, values, targets in checks:
            for field_name, target in targets.items():
                if field_name not in values or values[field_name] in (None, ""):
                    continue
                field = model._meta.get_field(field_name)
                try:
                    field.run_validators(values[field_name])
                except ValidationError:
                    reason = {"url": "url", "email": "email"}.get(field_name, "too_long")
                    row.hold(target if row.has(target) else "name", reason)

    def _area_from_file(self, row: _Row) -> Area | None:
        code = row.text("拡張_地区コード")
        if not code:
            return None
        area = self.areas.get(code)
        if area is None:
            row.hold("拡張_地区コード", "area_code")
        return area

    def _area(self, row: _Row, planned: _Planned) -> None:
        """地区: the file's code, else the 町字 in the address, else the nearest district centre,
        else 未設定 (listed for the clerk; never a refusal)."""
        values = planned.location_values
        area = self._area_from_file(row)
        address = normalize(values.get("address") or (planned.location.address if planned.location else ""))
        if area is None:
            area = next((a for town, a in self.towns if town and town in address), None)
        if area is None and values.get("latitude") is not None and self.centres:
            lat, lng = float(values["latitude"]), float(values["longitude"])
            distances = [((lat - a) ** 2 + (lng - b) ** 2, nearest) for a, b, nearest in self.centres]
            distance, nearest = min(distances, key=lambda pair: pair[0])
            if distance <= AREA_NEAR_DEGREES**2:
                area = nearest
        if area is None:
            area = self.unset_area()
            row.note("address", "area_unset", value=values.get("address", ""))
        values["area"] = area

    def unset_area(self) -> Area:
        if UNSET_AREA_CODE not in self.areas:
            self.areas[UNSET_AREA_CODE] = Area(
                code=UNSET_AREA_CODE, name="未設定", name_en="Not set", order=9999
            )
        return self.areas[UNSET_AREA_CODE]

    def _organization(self, row: _Row, existing: Service | None, planned: _Planned) -> Organization:
        name = row.text("organization") or str(row.raw("organization")).strip()
        number = re.sub(r"\D", "", notation.fold(row.text("corporate_number")))
        kind = row.text("拡張_運営種別")
        if kind and kind not in Organization.Kind.values:
            labels = {str(label): code for code, label in Organization.Kind.choices}
            kind = labels.get(kind, "")
            if not kind:
                row.hold("拡張_運営種別", "choice")
        city_names = self.city_names | {row.text("publisher_name")}
        if not name or name in OPERATOR_PLACEHOLDERS:
            # A placeholder names nobody: the row keeps its own operator, never merged with others.
            if existing is not None:
                return existing.organization
            org_kind = Organization.Kind.PRIVATE if "個人" in name else Organization.Kind.OTHER
            return Organization(name=name or row.text("name"), kind=kind or org_kind)
        organization = (
            number and self.organizations_by_number.get(number)
        ) or self.organizations_by_name.get(name)
        if organization is None:
            organization = Organization(
                name=name,
                corporate_number=number,
                kind=kind or organization_kind(name, city_names=city_names),
            )
            self.organizations_by_name[name] = organization
            if number:
                self.organizations_by_number[number] = organization
        else:
            # An operator already known: the file may name its kind or give its 法人番号 (written by
            # the import, shown in the preview; the known operator is never changed while previewing).
            if kind and kind != organization.kind:
                planned.organization_values["kind"] = kind
            if number and not organization.corporate_number:
                planned.organization_values["corporate_number"] = number
        return organization

    def _location(self, values: dict[str, Any], existing: Service | None) -> Location:
        key = (values.get("name", ""), values.get("address", ""))
        if existing is not None and (
            "address" not in values or (existing.location.name, existing.location.address) == key
        ):
            return existing.location
        location = self.locations.get(key)
        if location is None:
            location = Location(name=key[0], address=key[1])
            self.locations[key] = location
        return location

    def _changes(self, planned: _Planned) -> list[dict]:
        """Each field an update changes, old and new, for the preview."""
        if planned.service is None:
            return []
        changes = []
        service = planned.service
        for field, value in planned.service_values.items():
            old = getattr(service, field)
            if old != value and not (field == "open_data" and old == (value or {})):
                changes.append(self._change(planned, Service, field, old, value))
        if planned.category is not None and planned.category.pk != service.category_id:
            changes.append(self._change(planned, Service, "category", service.category, planned.category))
        for field, value in planned.location_values.items():
            old = getattr(service.location, field)
            if field == "area" and value.pk is not None and value.pk == service.location.area_id:
                continue
            if old != value:
                changes.append(self._change(planned, Location, field, old, value))
        for field, value in planned.organization_values.items():
            old = getattr(planned.organization, field)
            changes.append(self._change(planned, Organization, field, old, value))
        if planned.organization is not None and planned.organization.pk != service.organization_id:
            changes.append(
                self._change(planned, Service, "organization", service.organization, planned.organization)
            )
        if planned.periods is not None and planned.periods != self.weekly.get(service.pk, []):
            planned.periods_changed = True
            old_text = format_weekly(self.weekly.get(service.pk, []))
            changes.append(
                {
                    "row": planned.number,
                    "name": planned.name,
                    "field": str(_("利用可能曜日・時間")),
                    "old": old_text,
                    "new": format_weekly(planned.periods),
                }
            )
        return changes

    @staticmethod
    def _change(planned: _Planned, model: type, field: str, old: Any, new: Any) -> dict:
        return {
            "row": planned.number,
            "name": planned.name,
            "field": str(model._meta.get_field(field).verbose_name),
            "old": "" if old is None else str(old)[:200],
            "new": "" if new is None else str(new)[:200],
        }

    def _plan_hub(self, row: _Row, planned: _Planned) -> None:
        """An existing hub or 出張ひろば: the registry keeps its rules. Only directory-facing fields
        are updated here; a new schedule becomes a change request checked by the hub rules."""
        planned.action = "hub"
        planned.service_values = {
            k: v for k, v in planned.service_values.items() if k in HUB_DIRECTORY_FIELDS
        }
        planned.location_values = {k: v for k, v in planned.location_values.items() if k == "access_notes"}
        planned.category = planned.service.category
        service = planned.service
        periods, planned.periods = planned.periods, None
        if periods is None or periods == self.weekly.get(service.pk, []):
            return
        if service.pk not in self.hub_service_ids:
            # A 出張ひろば's dates, or a hub-category entry the registry does not hold: not changed here.
            row.note("days", "hub_directory_only", value=format_weekly(periods))
            return
        errors = service.hub.weekly_schedule_errors(periods)
        if errors:
            messages = "、".join(m for e in errors for m in e.messages)
            row.note("days", "hub_schedule_refused", params={"rules": messages})
        else:
            row.note("days", "hub_schedule_request")
            planned.hub_periods = periods


# A row with coordinates but no known 町字 joins the nearest district centre within about 3 km.
AREA_NEAR_DEGREES = 0.03
