"""Factories for the hub registry: a hub comes with its directory entry, a valid schedule and staff."""

from __future__ import annotations

import datetime as dt

import factory

from facilities.models import Category, WeeklyHours
from hubs.models import Hub, HubStaffAccount, HubStaffMember
from tests.facilities import factories as directory
from tests.facilities.factories import CentralAreaFactory as AreaFactory


def ensure_categories() -> Category:
    """The "hub" and "popup-hub" categories (seeded by a migration, but a transactional test run earlier
    in the same process flushes them)."""
    Category.objects.get_or_create(slug="popup-hub", defaults={"name": "出張ひろば"})
    return Category.objects.get_or_create(slug="hub", defaults={"name": "地域子育て支援拠点"})[0]


class OrganizationFactory(directory.OrganizationFactory):
    name = factory.Sequence(lambda n: f"NPO法人テスト{n}")


class LocationFactory(directory.LocationFactory):
    """A place in 中央地区 with coordinates (a hub's entry shows on the map)."""

    name = factory.Sequence(lambda n: f"テスト会場{n}")
    address = "みどり市中央1-1"
    area = factory.SubFactory(AreaFactory)
    latitude = "35.680000"
    longitude = "139.760000"


class HubServiceFactory(directory.ServiceFactory):
    """A hub's directory entry: unpublished until the hub is approved (its reading made from its name)."""

    organization = factory.SubFactory(OrganizationFactory)
    location = factory.SubFactory(LocationFactory)
    category = factory.LazyFunction(ensure_categories)
    name = factory.Sequence(lambda n: f"テストひろば{n}")
    name_kana = ""
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
