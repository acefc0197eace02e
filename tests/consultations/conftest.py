"""Personas for case records: a specialist of site A (基本型), one of site B (特定型), and the rest."""

from __future__ import annotations

import pytest

from consultations.models import Case, SiteType, Specialist
from facilities.models import Category
from portal.models import Role
from tests.conftest import make_user
from tests.consultations.factories import CaseFactory, ContactFactory, SiteFactory


@pytest.fixture
def site(db):
    """Site A: a 基本型 site, where ``specialist`` works (and leads)."""
    return SiteFactory(service__name="ひろば 利用者支援")


@pytest.fixture
def other_site(db):
    """Site B: a 特定型 site at the city hall."""
    return SiteFactory(
        service__name="子育てコンシェルジュ",
        service__category=Category.objects.get(slug="user-support-specific"),
        site_type=SiteType.objects.get(code="specific"),
    )


@pytest.fixture
def specialist(specialist, site):
    Specialist.objects.create(user=specialist, site=site, is_lead=True)
    return specialist


@pytest.fixture
def other_specialist(db, other_site):
    user = make_user("specialist-b@example.test", Role.SPECIALIST)
    Specialist.objects.create(user=user, site=other_site, is_lead=True)
    return user


@pytest.fixture
def case(site, specialist) -> Case:
    case = CaseFactory(site=site, created_by=specialist)
    ContactFactory(case=case, specialist=specialist)
    return case


@pytest.fixture
def other_case(other_site, other_specialist) -> Case:
    case = CaseFactory(site=other_site, created_by=other_specialist)
    ContactFactory(case=case, specialist=other_specialist)
    return case
