"""The benchmark's data generator: a small directory that holds the same rules as a real one."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from facilities.bookings.models import Session
from facilities.management.commands.generate_directory import CATEGORIES
from facilities.models import Location, Service, SpecialHours, WeeklyHours
from facilities.search import search_services
from facilities.search_data import SEARCH_DATA_FIELDS, search_data

pytestmark = pytest.mark.django_db

KATAKANA = re.compile(r"^[\u30a0-\u30ff]+$")


def generate(services: int, seed: int = 3) -> str:
    out = io.StringIO()
    call_command("generate_directory", services=services, seed=seed, stdout=out)
    return out.getvalue()


def test_it_adds_exactly_the_services_asked_for_and_reports_the_rows():
    output = generate(60)
    assert Service.objects.count() == 60
    assert output.startswith("generated 60 services")
    assert f"{WeeklyHours.objects.count()} weekly hours" in output
    assert f"{Session.objects.count()} sessions" in output


def test_every_service_has_a_japanese_name_a_katakana_reading_hours_and_a_placed_location():
    generate(60)
    for service in Service.objects.select_related("category", "location__area"):
        assert service.category.slug in CATEGORIES
        assert KATAKANA.match(service.name_kana), service.name_kana
        assert service.weekly_hours.exists(), service.name
        assert service.location.latitude is not None and service.location.longitude is not None
        assert service.location.area.name.endswith("地区")


def test_generated_rows_pass_the_models_own_validation():
    generate(80)
    for model in (Service, Location, WeeklyHours, SpecialHours, Session):
        for row in model.objects.all():
            row.full_clean()


def test_bookable_services_get_upcoming_sessions_open_for_booking():
    generate(200)
    bookable = Service.objects.filter(bookable_online=True)
    assert bookable.exists()
    for service in bookable:
        sessions = list(service.sessions.all())
        assert len(sessions) == 3
        assert all(session.is_bookable_now() for session in sessions)
    assert not Session.objects.filter(service__bookable_online=False).exists()


def test_search_data_is_written_with_the_rows_so_search_finds_them_at_once():
    generate(40)
    service = Service.objects.select_related("category__parent", "location").first()
    assert {field: getattr(service, field) for field in SEARCH_DATA_FIELDS} == search_data(service)
    if service.status == Service.Status.ACTIVE and service.published:
        assert service in search_services(query=service.name)


def test_the_same_seed_builds_the_same_directory():
    generate(30, seed=11)
    first = list(Service.objects.order_by("pk").values_list("name", "name_kana", "category__slug"))
    Service.objects.all().delete()
    generate(30, seed=11)
    assert list(Service.objects.order_by("pk").values_list("name", "name_kana", "category__slug")) == first


def test_a_size_below_one_is_refused():
    with pytest.raises(CommandError, match="at least 1"):
        generate(0)
