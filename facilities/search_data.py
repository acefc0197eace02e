"""Search data of a service (検索用データ): its normalized name, reading, searchable text and grams.

A leaf module: ``Service.save()`` and the bulk paths (import, benchmark data, ``reindex_search``) build
the stored search data here, and ``facilities.search`` queries it; neither the models nor the search
need the other to do it.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Model, QuerySet

from facilities.text import grams, normalize, normalized_forms, reading_of

# The search data a service keeps (Service.save(), reindex_services(), the benchmark generator).
SEARCH_DATA_FIELDS = ("search_name", "search_reading", "search_text", "search_grams")


def search_data(service: Model) -> dict[str, str]:
    """The SEARCH_DATA_FIELDS of one service; its category and location must be loaded (or loadable)."""
    name = normalize(service.name)
    reading = normalize(service.name_kana or reading_of(service.name))
    lines = [name, reading]
    category = service.category
    for cat in (category, category.parent) if category.parent_id else (category,):
        lines += [normalize(cat.name), normalize(reading_of(cat.name)), normalize(cat.name_en)]
    location = service.location
    lines += [normalize(location.name), normalize(location.name_kana)]
    lines += [normalize(service.description), normalize(reading_of(service.description))]
    lines += [normalize(service.name_en), normalize(service.description_en)]
    # 対象年齢 as the open data writes it (妊婦, 小学生), 利用可能日時特記事項 and 備考.
    lines += [normalize(service.age_text), normalize(service.hours_notes)]
    lines += [normalize(service.remarks), normalize(reading_of(service.remarks))]
    # The analyser's spelling of the nouns (子ども, こども → 子供), so a query in any spelling meets them.
    lines += [normalized_forms(service.name), normalized_forms(service.description)]
    text = "\n".join(dict.fromkeys(line for line in lines if line))
    return {
        "search_name": name,
        "search_reading": reading,
        "search_text": text,
        "search_grams": " ".join(sorted(grams(text))),
    }


def set_search_data(service: Model) -> None:
    for field, value in search_data(service).items():
        setattr(service, field, value)


def reindex_services(queryset: QuerySet, *, batch_size: int = 1000) -> int:
    """Recompute search data (and missing readings) for ``queryset``; for bulk paths that bypass
    ``Service.save()`` (bulk_create, import, benchmark data). Returns the number of services."""
    count = 0
    batch: list[Model] = []
    fields = ["name_kana", *SEARCH_DATA_FIELDS]
    for service in queryset.select_related("category__parent", "location").iterator(chunk_size=batch_size):
        if not service.name_kana.strip():
            service.name_kana = reading_of(service.name)
        set_search_data(service)
        batch.append(service)
        if len(batch) >= batch_size:
            queryset.model.objects.bulk_update(batch, fields)
            count += len(batch)
            batch = []
    if batch:
        queryset.model.objects.bulk_update(batch, fields)
        count += len(batch)
    return count


def merge_pending_grams() -> None:
    """After a bulk load: merge the grams index's pending list into the index (PostgreSQL).

    GIN queues new entries in a pending list (up to 4 MB) that every search scans until a vacuum
    merges it, and the planner, pricing that in, reads the whole table instead. Autovacuum merges it
    in time; a bulk load followed by searches (the benchmark, tests) must not wait for it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('facilities_service_search_grams_gin'::regclass)")
