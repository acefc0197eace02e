"""#11.12: duplicate households are checked on save, not only as a live hint, and a specialist can merge
two cases of one family (audited on both)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Case, Need
from consultations.services import Origin
from portal.models import AuditEntry
from tests.consultations.factories import (
    CaseFactory,
    ChildFactory,
    ContactFactory,
    FollowUpFactory,
    ReferralFactory,
)

URL = reverse("consultations:contact_log")


def _sakura(site, specialist) -> Case:
    return CaseFactory(
        site=site,
        created_by=specialist,
        guardian__name="山本 さくら",
        guardian__name_kana="やまもと さくら",
        guardian__phone="090-1234-5678",
    )


@pytest.fixture
def yamamoto(site, specialist) -> Case:
    case = _sakura(site, specialist)
    ChildFactory(case=case, name="山本 れん", birth_date=dt.date(2024, 5, 6))
    ContactFactory(case=case, specialist=specialist)
    return case


def _new_household(**overrides) -> dict:
    data = {
        "guardian_name": "別人 花子",
        "guardian_kana": "べつじん はなこ",
        "phone": "080-0000-1111",
        "child_name": "",
        "child_birth_date": "",
        "contacted_at": f"{timezone.localtime() - dt.timedelta(minutes=5):%Y-%m-%dT%H:%M}",
        "channel": "phone",
        "needs": [Need.objects.get(code="parenting-stress").pk],
        "notes": "眠れない",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "overrides",
    [
        {"guardian_name": "山本さくら"},
        {"guardian_name": "山本　さくら"},  # a full-width space
        {"guardian_name": "やまもと さくら"},  # the reading typed as the name
        {"guardian_kana": "ヤマモトサクラ"},
        {"phone": "09012345678"},
        {"phone": "０９０－１２３４－５６７８"},
        {"child_name": "れん", "child_birth_date": "2024-05-06"},
    ],
)
def test_saving_a_household_like_one_on_record_asks_first_and_keeps_what_was_typed(
    client, specialist, yamamoto, overrides
):
    client.force_login(specialist)
    response = client.post(URL, _new_household(**overrides))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"同じ世帯かもしれないケースがあります（{yamamoto.number}）" in body
    assert reverse("consultations:case_detail", args=[yamamoto.pk]) in body  # open
    assert 'name="save_anyway"' in body  # save anyway
    assert "眠れない" in body
    assert Case.objects.count() == 1
    assert AuditEntry.objects.about(yamamoto.site).filter(detail="重複の確認").exists()


def test_save_anyway_opens_a_new_case(client, specialist, yamamoto):
    client.force_login(specialist)
    response = client.post(URL, _new_household(guardian_name="山本さくら", save_anyway="on"))
    assert response.status_code == 302
    assert Case.objects.count() == 2


def test_a_different_household_is_saved_without_asking(client, specialist, yamamoto):
    client.force_login(specialist)
    assert client.post(URL, _new_household()).status_code == 302
    assert Case.objects.count() == 2


def test_another_sites_household_is_not_a_duplicate(client, other_specialist, yamamoto):
    client.force_login(other_specialist)
    response = client.post(URL, _new_household(guardian_name="山本さくら", phone="090-1234-5678"))
    assert response.status_code == 302
    assert Case.objects.count() == 2 and Case.objects.exclude(pk=yamamoto.pk).get().site != yamamoto.site


def test_the_live_hint_matches_the_name_with_spaces_ignored(client, specialist, yamamoto):
    client.force_login(specialist)
    body = client.get(reverse("consultations:duplicates"), {"guardian_name": "山本さくら"}).content.decode()
    assert reverse("consultations:case_detail", args=[yamamoto.pk]) in body


def test_merge_moves_everything_into_one_case_and_is_audited_on_both(client, specialist, site, yamamoto):
    twice = CaseFactory(
        site=site, created_by=specialist, guardian__name="山本さくら", guardian__email="sakura@example.jp"
    )
    ChildFactory(case=twice, name="山本 れん", birth_date=dt.date(2024, 5, 6))
    ChildFactory(case=twice, name="山本 あおい", birth_date=dt.date(2026, 1, 2))
    ContactFactory(case=twice, specialist=specialist)
    ReferralFactory(case=twice)
    FollowUpFactory(case=twice, assignee=specialist)
    client.force_login(specialist)
    url = reverse("consultations:case_merge", args=[yamamoto.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"source": twice.pk, "confirm": "on"})
    assert response.status_code == 302
    twice.refresh_from_db()
    assert (
        twice.merged_into == yamamoto
        and twice.status == Case.Status.CLOSED
        and twice.closing_reason == "merged"
    )
    assert twice.is_read_only
    assert (
        yamamoto.contacts.count() == 2
        and yamamoto.referrals.count() == 1
        and yamamoto.follow_ups.count() == 1
    )
    assert sorted(yamamoto.children.values_list("name", flat=True)) == ["山本 あおい", "山本 れん"]
    assert yamamoto.guardians.count() == 2  # one has an email the other lacks: both kept
    assert not twice.contacts.exists() and not twice.children.exists()
    for case in (yamamoto, twice):
        assert AuditEntry.objects.about(case).filter(by=specialist, detail__contains="統合").exists()
    body = client.get(reverse("consultations:case_detail", args=[twice.pk])).content.decode()
    assert reverse("consultations:case_detail", args=[yamamoto.pk]) in body


def test_identical_guardians_are_not_copied_twice(specialist, site, yamamoto):
    twice = _sakura(site, specialist)
    services.case_merge(target=yamamoto, source=twice, by=specialist, origin=Origin())
    assert yamamoto.guardians.count() == 1


def test_merge_refuses_another_sites_case_itself_and_needs_the_confirmation(
    client, specialist, yamamoto, other_case
):
    client.force_login(specialist)
    url = reverse("consultations:case_merge", args=[yamamoto.pk])
    response = client.post(url, {"source": other_case.pk, "confirm": "on"})
    assert (
        response.status_code == 200
        and "この実施場所にその番号のケースはありません" in response.content.decode()
    )
    response = client.post(url, {"source": yamamoto.pk, "confirm": "on"})
    assert response.status_code == 200 and "別のケースを選んでください" in response.content.decode()
    twice = CaseFactory(site=yamamoto.site, created_by=specialist)
    assert client.post(url, {"source": twice.pk}).status_code == 200
    assert other_case.merged_into is None and not Case.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.parametrize(
    "persona,expected", [("other_specialist", 404), ("city_staff", 403), ("parent", 403)]
)
def test_only_the_sites_specialists_merge(client, request, yamamoto, persona, expected):
    client.force_login(request.getfixturevalue(persona))
    twice = CaseFactory(site=yamamoto.site, created_by=yamamoto.created_by)
    url = reverse("consultations:case_merge", args=[yamamoto.pk])
    assert client.post(url, {"source": twice.pk, "confirm": "on"}).status_code == expected
    twice.refresh_from_db()
    assert twice.merged_into is None


def test_the_name_reading_and_phone_inputs_ask_for_the_hint_as_you_type(client, specialist, site):
    client.force_login(specialist)
    body = client.get(URL).content.decode()
    hint = f'data-hx-get="{reverse("consultations:duplicates")}"'
    for name in ("guardian_name", "guardian_kana", "phone"):
        assert hint in re.search(rf'<input[^>]*name="{name}"[^>]*>', body).group(0), name
