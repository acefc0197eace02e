"""Factories for booking tests: a service in the directory, sessions, children and bookings."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from facilities.bookings.models import Booking, Child, Session
from facilities.models import Area, Category, Location, Organization, Service
from portal import mail
from portal.models import OutgoingMail, Role, User


def category(slug: str) -> Category:
    """A seeded category; transactional tests flush the seed, so it is recreated when missing."""
    return Category.objects.get_or_create(slug=slug, defaults={"name": slug})[0]


def in_days(days: int, hour: int = 10) -> dt.datetime:
    """A local time ``days`` from today at ``hour``:00."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def today_in(minutes: int) -> dt.datetime:
    """``minutes`` from now, or as long ago when that would be tomorrow: a session of today whatever
    the hour a test runs at (attendance and walk-ins are for the day's own sessions)."""
    now = timezone.localtime()
    later = now + dt.timedelta(minutes=minutes)
    return later if later.date() == now.date() else now - dt.timedelta(minutes=minutes)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = "chuo"
    name = "中央地区"


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"会場{n}")
    address = "みどり市中央1-1-1"
    area = factory.SubFactory(AreaFactory)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"運営{n}")
    kind = Organization.Kind.NPO


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    organization = factory.SubFactory(OrganizationFactory)
    location = factory.SubFactory(LocationFactory)
    category = factory.LazyFunction(lambda: category("hub"))
    name = factory.Sequence(lambda n: f"ひろば{n}")
    bookable_online = True


class SessionFactory(factory.django.DjangoModelFactory):
    """A session a week ahead, open for booking now."""

    class Meta:
        model = Session

    service = factory.SubFactory(ServiceFactory)
    title = "親子あそび"
    starts_at = factory.LazyFunction(lambda: in_days(7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
    capacity = 10
    opens_at = factory.LazyAttribute(lambda o: o.starts_at - dt.timedelta(days=30))
    closes_at = factory.LazyAttribute(lambda o: o.starts_at - dt.timedelta(hours=17))
    cancel_cutoff = factory.LazyAttribute(lambda o: o.closes_at)


class ParentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"family{n}@example.test")
    role = Role.PARENT
    display_name = factory.Sequence(lambda n: f"保護者{n}")


class ChildFactory(factory.django.DjangoModelFactory):
    """A child of 12 months today."""

    class Meta:
        model = Child

    parent = factory.SubFactory(ParentFactory)
    nickname = factory.Sequence(lambda n: f"こども{n}")
    birth_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=370))


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking
        skip_postgeneration_save = True

    session = factory.SubFactory(SessionFactory)
    child = factory.SubFactory(ChildFactory)
    parent = factory.LazyAttribute(lambda o: o.child.parent)
    status = Booking.Status.CONFIRMED

    @factory.post_generation
    def sent(self, create: bool, kinds: dict[str, dt.datetime] | None, **_kwargs) -> None:
        """``sent={"confirmation": when}``: these notices count as already sent."""
        for kind, at in (kinds or {}).items():
            mail.record_sent(message=f"bookings/{kind}", recipient=self.parent, about=self, at=at)


def notice_sent(booking: Booking, kind: str) -> bool:
    """Whether the mailer recorded the notice ``kind`` about ``booking`` as sent."""
    return OutgoingMail.objects.filter(
        message=f"bookings/{kind}", about_type="bookings.booking", about_id=booking.pk, sent_at__isnull=False
    ).exists()
