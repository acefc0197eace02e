"""Rules on the models: site types are data, sites are directory entries, records reject bad dates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations import services
from consultations.models import CooperationActivity, SiteType, Specialist, UserSupportSite
from consultations.services import Origin
from facilities.models import Category
from portal.models import AuditEntry, Role
from tests.conftest import make_user
from tests.consultations.factories import ServiceFactory


@pytest.mark.django_db
def test_the_seeded_types_and_a_new_type_added_as_data():
    assert SiteType.objects.get(code="basic").does_regional_cooperation
    assert not SiteType.objects.get(code="specific").does_regional_cooperation
    maternal = SiteType.objects.create(code="maternal-health", name="母子保健型")
    site = UserSupportSite(
        service=ServiceFactory(category=Category.objects.get(slug="user-support")), site_type=maternal
    )
    site.full_clean()
    site.save()
    assert site.site_type.name == "母子保健型"


@pytest.mark.django_db
def test_a_site_is_a_user_support_directory_entry_and_its_hub_a_hub():
    basic = SiteType.objects.get(code="basic")
    with pytest.raises(ValidationError) as error:
        UserSupportSite(service=ServiceFactory(), site_type=basic).full_clean()
    assert "service" in error.value.message_dict
    hub_like = ServiceFactory()  # 一時預かり, not a hub
    with pytest.raises(ValidationError) as error:
        UserSupportSite(
            service=ServiceFactory(category=Category.objects.get(slug="user-support-basic")),
            site_type=basic,
            hub_service=hub_like,
        ).full_clean()
    assert "hub_service" in error.value.message_dict


def test_only_specialist_accounts_can_be_specialists(site):
    with pytest.raises(ValidationError):
        Specialist(user=make_user("hub@x.test", Role.HUB_STAFF), site=site).full_clean()


def test_cooperation_log_only_for_types_that_do_it(specialist, site, other_site, other_specialist):
    services.cooperation_activity_create(
        site=site, by=specialist, held_on=timezone.localdate(), partners="保健センター", topic="連絡会"
    )
    with pytest.raises(ValidationError):
        services.cooperation_activity_create(
            site=other_site,
            by=other_specialist,
            held_on=timezone.localdate(),
            partners="保健センター",
            topic="連絡会",
        )
    with pytest.raises(ValidationError):
        services.cooperation_activity_create(
            site=site,
            by=specialist,
            held_on=timezone.localdate() + dt.timedelta(days=1),
            partners="a",
            topic="b",
        )
    assert CooperationActivity.objects.count() == 1


def test_closing_needs_a_reason_and_no_future_date(specialist, case):
    with pytest.raises(ValidationError):
        services.case_close(case=case, by=specialist, origin=Origin(), reason="")
    with pytest.raises(ValidationError):
        services.case_close(
            case=case,
            by=specialist,
            origin=Origin(),
            reason="resolved",
            closed_on=timezone.localdate() + dt.timedelta(days=1),
        )
    services.case_close(case=case, by=specialist, origin=Origin(), reason="moved_away")
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_on == timezone.localdate()
    assert AuditEntry.objects.about(case).filter(detail__contains="転出").exists()


def test_booking_consent_needs_an_account(specialist, case, parent):
    with pytest.raises(ValidationError):
        services.case_update(
            case=case, by=specialist, origin=Origin(), fields={"booking_consent_on": timezone.localdate()}
        )
    services.case_update(
        case=case,
        by=specialist,
        origin=Origin(),
        fields={"parent_account": parent, "booking_consent_on": timezone.localdate()},
    )
    assert case.can_book_for_parent
