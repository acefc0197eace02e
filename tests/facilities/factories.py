"""Factories of the directory (施設・サービス), shared by every app's tests: each app's factories build on these."""

from __future__ import annotations

import datetime as dt

import factory
from django.db import connection

from facilities.models import Area, Category, Location, Organization, Service, SpecialHours, WeeklyHours
from facilities.search_data import merge_pending_grams
from facilities.text import grams, normalize


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"地区{n}")


class CentralAreaFactory(AreaFactory):
    """中央地区: the one district most tests need (made once, then found by its code)."""

    code = "chuo"
    name = "中央地区"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"運営法人{n}")
    kind = Organization.Kind.NPO


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"会場{n}")
    address = "みどり市中央1-1-1"
    area = factory.SubFactory(AreaFactory)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    location = factory.SubFactory(LocationFactory)
    category = factory.LazyFunction(lambda: Category.objects.get(slug="temporary-care"))
    name = factory.Sequence(lambda n: f"テストサービス{n}")
    name_kana = factory.Sequence(lambda n: f"てすとさーびす{n}")


def weekly(service: Service, weekday: int, opens: str, closes: str) -> WeeklyHours:
    return WeeklyHours.objects.create(
        service=service,
        weekday=weekday,
        opens_at=dt.time.fromisoformat(opens),
        closes_at=dt.time.fromisoformat(closes),
    )


def special(
    service: Service, date: dt.date, opens: str | None = None, closes: str | None = None
) -> SpecialHours:
    if opens is None:
        return SpecialHours.objects.create(service=service, date=date, is_closed=True)
    return SpecialHours.objects.create(
        service=service,
        date=date,
        opens_at=dt.time.fromisoformat(opens),
        closes_at=dt.time.fromisoformat(closes),
    )


def bulk_services(names: list[str], *, category_slug: str = "parent-circle") -> None:
    """Many services at one place in a few statements, their search data written directly (what
    ``reindex_services`` stores, without SudachiPy), then settled (grams index merged, ANALYZE) so
    plans are those of a directory in use.
    Names double as readings: katakana normalizes to hiragana, kanji stays."""
    template = ServiceFactory(category=Category.objects.get(slug=category_slug), name="雛形")
    rows = []
    for i, name in enumerate(names):
        text = normalize(name) + "\n" + "親子で遊べるサークルです。季節の行事や手遊びを楽しみます。" + f"{i}"
        rows.append(
            Service(
                organization=template.organization,
                location=template.location,
                category=template.category,
                name=name,
                name_kana=name,
                search_name=normalize(name),
                search_reading=normalize(name),
                search_text=text,
                search_grams=" ".join(sorted(grams(text))),
            )
        )
    Service.objects.bulk_create(rows, batch_size=5000)
    merge_pending_grams()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE facilities_service")
