"""Factories for the hub registry: a hub comes with its directory entry, a valid schedule and staff."""

from __future__ import annotations

import datetime as dt

import factory

from facilities.models import Area, Category, Location, Organization, Service, WeeklyHours
from hubs.models import Hub, HubStaffAccount, HubStaffMember


def ensure_categories() -> Category:
    """The "hub" and "popup-hub" categories (seeded by a migration, but a transactional test run earlier
    in the same process flushes them)."""
    Category.objects.get_or_create(slug="popup-hub", defaults={"name": "出張ひろば"})
    return Category.objects.get_or_create(slug="hub", defaults={"name": "地域子育て支援拠点"})[0]


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["code"]

    code = "chuo"
    name = "中央地区"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"NPO法人テスト{n}")
    kind = Organization.Kind.NPO


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"テスト会場{n}")
    address = "みどり市中央1-1"
    area = factory.SubFactory(AreaFactory)
    latitude = "35.680000"
    longitude = "139.760000"


class HubServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    location = factory.SubFactory(LocationFactory)
    category = factory.LazyFunction(ensure_categories)
    name = factory.Sequence(lambda n: f"テストひろば{n}")
    published = False


class HubFactory(factory.django.DjangoModelFactory):
    """A 一般型 hub open Mon–Fri 10:00–16:00 with two qualified staff: every rule holds."""

    class Meta:
        model = Hub
        skip_postgeneration_save = True

    service = factory.SubFactory(HubServiceFactory)
    hub_type = Hub.Type.GENERAL
    place_kind = Hub.PlaceKind.VACANT_SHOP

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        days = range(5) if extracted is None else extracted
        WeeklyHours.objects.bulk_create(
            WeeklyHours(service=self.service, weekday=d, opens_at=dt.time(10), closes_at=dt.time(16))
            for d in days
        )

    @factory.post_generation
    def staff(self, create, extracted, **kwargs):
        people = extracted if extracted is not None else [("職員A", "qualified"), ("職員B", "qualified")]
        HubStaffMember.objects.bulk_create(HubStaffMember(hub=self, name=n, kind=k) for n, k in people)


def link_staff(user, hub: Hub) -> HubStaffAccount:
    return HubStaffAccount.objects.create(user=user, hub=hub)
