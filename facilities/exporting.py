"""一括出力とオープンデータ: the directory in the current 子育て施設一覧 layout (CSV and .xlsx), and a
read-only JSON view of it shaped after Open Referral HSDS 3.

The staff export carries every entry and our 拡張_ columns, so it imports back unchanged; the public
file and the API carry only what parents may see. CSV cells go through ``portal.spreadsheets`` (text a
spreadsheet would run as a formula gets a leading apostrophe); .xlsx cells are typed as text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from facilities.importing import CURRENT_LAYOUT, EXPORT_COLUMNS, KEPT_COLUMNS, format_weekly
from facilities.models import Location, Organization, Service, WeeklyHours
from facilities.notation import WEEKDAY_CHARS


def _flag(value: bool | None) -> str:
    return "" if value is None else str(int(value))


def _days_summary(periods: list[tuple[int, dt.time, dt.time]]) -> tuple[str, str, str]:
    """The standard's 利用可能曜日 / 開始時間 / 終了時間 (one range for all days; 拡張_曜日別時間 and
    利用可能日時特記事項 carry the details)."""
    if not periods:
        return "", "", ""
    days = "・".join(WEEKDAY_CHARS[d] for d in sorted({p[0] for p in periods}))
    return days, min(p[1] for p in periods).strftime("%H:%M"), max(p[2] for p in periods).strftime("%H:%M")


def _periods(service: Service) -> list[tuple[int, dt.time, dt.time]]:
    return sorted((p.weekday, p.opens_at, p.closes_at) for p in service.weekly_hours.all())


def export_row(service: Service) -> dict[str, str]:
    """One entry as a row of EXPORT_COLUMNS."""
    location, organization = service.location, service.organization
    periods = _periods(service)
    days, opens, closes = _days_summary(periods)
    row = {
        "全国地方公共団体コード": settings.CITY_CODE,
        "ID": service.source_id or f"portal-{service.pk}",
        "地方公共団体名": settings.CITY_NAME,
        "名称": service.name,
        "名称_カナ": service.name_kana,
        "種別": service.open_data.get("種別") or service.category.name,
        "所在地_連結表記": location.address,
        "建物名等(方書)": location.address_detail,
        "緯度": "" if location.latitude is None else str(location.latitude),
        "経度": "" if location.longitude is None else str(location.longitude),
        "アクセス方法": location.access_notes,
        "駐車場情報": location.parking_notes,
        "電話番号": service.phone,
        "メールアドレス": service.email,
        "郵便番号": location.postal_code,
        "法人番号": organization.corporate_number,
        "団体名": organization.name,
        "収容定員": "" if service.capacity is None else str(service.capacity),
        "受入年齢": service.age_text,
        "利用可能曜日": days,
        "開始時間": opens,
        "終了時間": closes,
        "利用可能日時特記事項": service.hours_notes,
        "URL": service.url,
        "備考": service.remarks,
        "拡張_種別コード": service.category.slug,
        "拡張_地区コード": location.area.code,
        "拡張_施設名称": location.name,
        "拡張_施設名称_カナ": location.name_kana,
        "拡張_運営種別": organization.kind,
        "拡張_説明": service.description,
        "拡張_対象月齢_下限": "" if service.min_age_months is None else str(service.min_age_months),
        "拡張_対象月齢_上限": "" if service.max_age_months is None else str(service.max_age_months),
        "拡張_妊娠中も対象": _flag(service.for_pregnant),
        "拡張_市民のみ": _flag(service.residents_only),
        "拡張_無料": _flag(service.is_free),
        "拡張_料金": service.fee,
        "拡張_ネット予約": _flag(service.bookable_online),
        "拡張_予約なし可": _flag(service.walk_in),
        "拡張_祝日休み": _flag(service.closed_on_holidays),
        "拡張_曜日別時間": format_weekly(periods),
        "拡張_状態": service.status,
        "拡張_公開": _flag(service.published),
        "拡張_バリアフリー": location.barrier_free_notes,
        "拡張_情報確認日": service.last_checked.isoformat() if service.last_checked else "",
    }
    row.update({column: str(service.open_data.get(column, "")) for column in KEPT_COLUMNS})
    return row


def export_services(*, public: bool) -> QuerySet[Service]:
    """Every entry for staff; for the open-data file only what parents may see."""
    services = Service.objects.select_related("category", "organization", "location__area").prefetch_related(
        Prefetch("weekly_hours", queryset=WeeklyHours.objects.order_by("weekday", "opens_at"))
    )
    if public:
        services = services.visible_to_parents()
    return services.order_by("pk")


def export_header(*, public: bool) -> list[str]:
    """The public file has the standard columns only; the staff export adds ours (拡張_)."""
    return list(CURRENT_LAYOUT) if public else EXPORT_COLUMNS


def export_rows(*, public: bool) -> Iterator[list[str]]:
    """One row per entry, in the columns of ``export_header``. CSV goes through
    ``portal.spreadsheets`` (formula-safe cells; the importer takes the guard off again)."""
    columns = export_header(public=public)
    for service in export_services(public=public).iterator(chunk_size=500):
        row = export_row(service)
        yield [row.get(column, "") for column in columns]


def xlsx_bytes(header: list[str], rows: Iterable[list[str]]) -> bytes:
    """An .xlsx with every cell typed as text, so a value starting with = stays text and never runs."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("子育て施設一覧")
    for row in [header, *rows]:
        cells = []
        for value in row:
            # Control characters (a stray vertical tab in a cell someone pasted) cannot be stored in .xlsx.
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- Open Referral HSDS 3 (read-only, what parents may see) ----------------------------------------------

HSDS_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def public_organizations() -> QuerySet[Organization]:
    """Operators of what parents may see."""
    return (
        Organization.objects.filter(services__in=Service.objects.visible_to_parents())
        .distinct()
        .order_by("pk")
    )


def public_locations() -> QuerySet[Location]:
    """Places of what parents may see."""
    visible = Service.objects.visible_to_parents()
    return Location.objects.filter(services__in=visible).distinct().select_related("area").order_by("pk")


def hsds_organization(organization: Organization) -> dict[str, Any]:
    return {
        "id": str(organization.pk),
        "name": organization.name,
        "tax_id": organization.corporate_number or None,
        "website": organization.url or None,
    }


def hsds_location(location: Location) -> dict[str, Any]:
    return {
        "id": str(location.pk),
        "name": location.name,
        "latitude": None if location.latitude is None else float(location.latitude),
        "longitude": None if location.longitude is None else float(location.longitude),
        "transportation": location.access_notes,
        "addresses": [
            {
                "address_1": location.address,
                "address_2": location.address_detail,
                "postal_code": location.postal_code,
                "region": location.area.name,
                "country": "JP",
                "address_type": "physical",
            }
        ],
    }


def hsds_service(service: Service, base_url: str) -> dict[str, Any]:
    """One service after HSDS 3.0 ``service`` with its organization, location and schedules inline."""
    return {
        "id": str(service.pk),
        "name": service.name,
        "alternate_name": service.name_kana,
        "description": service.description,
        "url": service.url or f"{base_url}{service.get_absolute_url()}",
        "email": service.email,
        "status": "active" if service.status == Service.Status.ACTIVE else "inactive",
        "fees_description": service.fee,
        "eligibility_description": service.age_text,
        "minimum_age": None if service.min_age_months is None else round(service.min_age_months / 12, 2),
        "maximum_age": None if service.max_age_months is None else round(service.max_age_months / 12, 2),
        "last_modified": service.updated_at.isoformat(),
        "assured_date": service.last_checked.isoformat() if service.last_checked else None,
        "categories": [{"code": service.category.slug, "name": service.category.name}],
        "phones": [{"number": service.phone}] if service.phone else [],
        "organization": hsds_organization(service.organization),
        "service_at_locations": [{"location": hsds_location(service.location)}],
        "schedules": [
            {
                "freq": "WEEKLY",
                "byday": HSDS_DAYS[p.weekday],
                "opens_at": p.opens_at.strftime("%H:%M"),
                "closes_at": p.closes_at.strftime("%H:%M"),
                "description": service.hours_notes,
            }
            for p in service.weekly_hours.all()
        ],
    }
