from __future__ import annotations

import datetime as dt

import factory

from facilities.models import Area, Category, Location, Organization, Service, SpecialHours, WeeklyHours


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"area-{n}")
    name = factory.Sequence(lambda n: f"地区{n}")


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
