"""Factories for case records: a site is a directory entry with a type; a case has a household."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from consultations.models import (
    Case,
    Child,
    Contact,
    FollowUp,
    Guardian,
    Need,
    Referral,
    SiteType,
    UserSupportSite,
)
from facilities.models import Category, Location, Organization, Service
from tests.facilities.factories import CentralAreaFactory as AreaFactory


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.LazyFunction(
        lambda: Organization.objects.get_or_create(
            name="テスト運営", defaults={"kind": Organization.Kind.NPO}
        )[0]
    )
    location = factory.LazyFunction(
        lambda: Location.objects.get_or_create(
            name="テスト会場", defaults={"address": "みどり市1-1", "area": AreaFactory()}
        )[0]
    )
    category = factory.LazyFunction(lambda: Category.objects.get(slug="temporary-care"))
    name = factory.Sequence(lambda n: f"一時預かり{n}")
    name_kana = factory.Sequence(lambda n: f"イチジアズカリ{n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserSupportSite

    service = factory.SubFactory(
        ServiceFactory,
        name=factory.Sequence(lambda n: f"利用者支援{n}"),
        category=factory.LazyFunction(lambda: Category.objects.get(slug="user-support-basic")),
    )
    site_type = factory.LazyFunction(lambda: SiteType.objects.get(code="basic"))


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    created_by = None  # set by the caller (a specialist)
    status = Case.Status.IN_PROGRESS
    guardian = factory.RelatedFactory(
        "tests.consultations.factories.GuardianFactory", factory_related_name="case"
    )


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    name = factory.Sequence(lambda n: f"相談 花子{n}")
    name_kana = factory.Sequence(lambda n: f"そうだん はなこ{n}")
    phone = factory.Sequence(lambda n: f"090-0000-{n:04d}")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    name = "相談 太郎"
    birth_date = dt.date(2025, 4, 1)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact
        skip_postgeneration_save = True

    contacted_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    channel = "walk_in"
    notes = "メモ"

    @factory.post_generation
    def needs(self, create, extracted, **kwargs):
        self.needs.set(extracted or [Need.objects.get(code="parenting-stress")])


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    need = factory.LazyFunction(lambda: Need.objects.get(code="childcare-place"))
    service = factory.SubFactory(ServiceFactory)
    referred_on = factory.LazyFunction(timezone.localdate)


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    due_on = factory.LazyFunction(timezone.localdate)
    description = "電話で確認"
