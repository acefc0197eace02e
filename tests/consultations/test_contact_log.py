"""Logging a consultation on one screen: a new household or an existing case, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import Case, Contact, FollowUp, Guardian, Need, Referral
from facilities.models import Category, Service
from portal.models import AuditEntry
from tests.consultations.factories import CaseFactory, ServiceFactory

URL = reverse("consultations:contact_log")


def _now_local() -> str:
    return f"{timezone.localtime() - dt.timedelta(minutes=5):%Y-%m-%dT%H:%M}"


def _walk_in(**overrides) -> dict:
    data = {
        "guardian_name": "新規 花子",
        "guardian_kana": "しんき はなこ",
        "phone": "090-1111-2222",
        "child_name": "新規 太郎",
        "child_birth_date": "2025-01-10",
        "contacted_at": _now_local(),
        "channel": "walk_in",
        "needs": [Need.objects.get(code="emergency-care").pk, Need.objects.get(code="parenting-stress").pk],
        "actions": ["information", "usage_support"],
        "notes": "夜間に預け先がほしい",
    }
    data.update(overrides)
    return data


def test_walk_in_opens_a_case_with_contact_referral_and_follow_up(client, specialist, site):
    service = ServiceFactory(name="トワイライトステイ")
    client.force_login(specialist)
    due = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        URL,
        _walk_in(
            referral_service=service.pk,
            follow_up_due_on=f"{due:%Y-%m-%d}",
            follow_up_description="利用できたか確認",
        ),
        REMOTE_ADDR="10.0.0.7",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "consultations:case_detail", args=[case.pk]
    )
    assert case.site == site and case.status == Case.Status.RECEIVED
    assert case.guardians.get().phone_digits == "09011112222"
    assert case.children.get().name == "新規 太郎"
    contact = case.contacts.get()
    assert {n.code for n in contact.needs.all()} == {"emergency-care", "parenting-stress"}
    assert sorted(contact.action_labels) == sorted(["情報提供", "利用支援"])
    referral = case.referrals.get()
    assert referral.service == service and referral.outcome == Referral.Outcome.REFERRED
    assert referral.need.code in {"emergency-care", "parenting-stress"}
    assert case.follow_ups.get().due_on == due
    entries = AuditEntry.objects.about(case)
    assert {e.action for e in entries} == {AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE}
    assert all(e.ip_address == "10.0.0.7" and e.user_agent == "TestBrowser/1.0" for e in entries)


def test_second_contact_moves_the_case_to_in_progress_and_a_closed_one_is_reopened_first(
    client, specialist, site
):
    case = CaseFactory(site=site, created_by=specialist, status=Case.Status.RECEIVED)
    client.force_login(specialist)
    data = {k: v for k, v in _walk_in().items() if k in {"contacted_at", "channel", "needs"}}
    client.post(reverse("consultations:contact_add", args=[case.pk]), data)
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.contacts.count() == 1
    case.status, case.closing_reason, case.closed_on = Case.Status.CLOSED, "resolved", timezone.localdate()
    case.save()
    response = client.post(reverse("consultations:contact_add", args=[case.pk]), data, follow=True)
    assert "終結したケースは変更できません" in response.content.decode()
    assert case.contacts.count() == 1
    client.post(reverse("consultations:case_reopen", args=[case.pk]))
    client.post(reverse("consultations:contact_add", args=[case.pk]), data)
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS and case.closing_reason == "" and case.contacts.count() == 2


def test_no_suitable_service_is_recorded_as_an_unmet_need(client, specialist, site):
    client.force_login(specialist)
    economic = Need.objects.get(code="economic")
    client.post(URL, _walk_in(needs=[economic.pk], no_suitable_service="on"))
    referral = Referral.objects.get()
    assert (
        referral.service is None
        and referral.outcome == Referral.Outcome.NO_SERVICE
        and referral.need == economic
    )


def _assert_nothing_saved():
    assert not Case.objects.exists()
    assert not Guardian.objects.exists()
    assert not Contact.objects.exists()
    assert not Referral.objects.exists()
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"contacted_at": "2099-01-01T10:00"}, "contacted_at", "未来の日時は入れられません"),
        ({"needs": []}, "needs", "ニーズを1つ以上選んでください"),
        ({"guardian_name": ""}, "guardian_name", "保護者の氏名を入れてください"),
        (
            {"follow_up_due_on": "2020-01-01", "follow_up_description": "確認"},
            "follow_up_due_on",
            "過去の日付は入れられません",
        ),
        (
            {"follow_up_due_on": "9999-12-31", "follow_up_description": "確認"},
            "follow_up_due_on",
            "2年より先の日付は入れられません",
        ),
        ({"contacted_at": "0001-01-01T00:00"}, "contacted_at", "2000-01-01 より前の日付は入れられません"),
        ({"child_birth_date": "0001-01-01"}, "child_birth_date", "18歳以下の子どもの生年月日"),
        ({"due_date": "2020-01-01"}, "due_date", "出産予定日は"),
        ({"follow_up_description": "確認"}, "follow_up_due_on", "期日を入れてください"),
        ({"child_birth_date": "2099-01-01"}, "child_birth_date", "未来の日付は入れられません"),
    ],
)
def test_bad_input_keeps_what_was_typed_and_saves_nothing(
    client, specialist, site, overrides, field, message
):
    client.force_login(specialist)
    response = client.post(URL, _walk_in(**overrides))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert "夜間に預け先がほしい" in response.content.decode()  # what was typed is still there
    assert 'role="alert"' in response.content.decode()
    _assert_nothing_saved()


@pytest.mark.parametrize("status", [Service.Status.ENDED, Service.Status.TEMPORARILY_CLOSED])
def test_referral_to_an_inactive_service_is_refused(client, specialist, site, status):
    service = ServiceFactory(status=status)
    client.force_login(specialist)
    response = client.post(URL, _walk_in(referral_service=service.pk))
    assert response.status_code == 200
    assert "現在実施していない" in str(response.context["form"].errors["referral_service"])
    _assert_nothing_saved()


def test_referral_and_no_suitable_service_together_are_refused(client, specialist, site):
    client.force_login(specialist)
    response = client.post(URL, _walk_in(referral_service=ServiceFactory().pk, no_suitable_service="on"))
    assert response.status_code == 200 and "どちらか一方" in str(
        response.context["form"].errors["referral_service"]
    )
    _assert_nothing_saved()


def test_logging_into_another_sites_case_is_404_and_saves_nothing(client, specialist, other_case):
    client.force_login(specialist)
    before = other_case.contacts.count()
    response = client.post(reverse("consultations:contact_add", args=[other_case.pk]), _walk_in())
    assert response.status_code == 404
    assert other_case.contacts.count() == before


def test_duplicate_hint_finds_same_kana_or_phone_in_own_site_only(client, specialist, case, other_case):
    client.force_login(specialist)
    own, other = case.guardians.get(), other_case.guardians.get()
    url = reverse("consultations:duplicates")
    body = client.get(url, {"guardian_kana": own.name_kana}, HTTP_HX_REQUEST="true").content.decode()
    assert reverse("consultations:contact_add", args=[case.pk]) in body
    body = client.get(url, {"phone": own.phone.replace("-", "")}, HTTP_HX_REQUEST="true").content.decode()
    assert reverse("consultations:contact_add", args=[case.pk]) in body
    body = client.get(url, {"guardian_kana": other.name_kana, "phone": other.phone}).content.decode()
    assert reverse("consultations:contact_add", args=[other_case.pk]) not in body
    assert "<html" not in body  # a partial


def test_service_search_narrows_the_referral_select_to_active_services(client, specialist, site):
    wanted = ServiceFactory(name="トワイライトステイ みどり", name_kana="トワイライトステイミドリ")
    ServiceFactory(name="一時預かり どこか")
    ended = ServiceFactory(name="トワイライトステイ 旧", status=Service.Status.ENDED)
    client.force_login(specialist)
    response = client.get(
        reverse("consultations:service_options"), {"referral_query": "トワイライト"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert (
        f'value="{wanted.pk}"' in body
        and f'value="{ended.pk}"' not in body
        and "一時預かり どこか" not in body
    )
    assert "HX-Request" in response["Vary"]


def test_logging_screen_queries_are_bounded(client, specialist, site, django_assert_max_num_queries):
    for _ in range(20):
        ServiceFactory()
    client.force_login(specialist)
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200
    # Each CheckConstraint is validated with one query by full_clean() (Django's Q.check): constant.
    with django_assert_max_num_queries(75):
        assert client.post(URL, _walk_in(referral_service=ServiceFactory().pk)).status_code == 302


def test_case_timeline_queries_are_bounded(client, specialist, case, django_assert_max_num_queries):
    from tests.consultations.factories import ContactFactory, FollowUpFactory, ReferralFactory

    for _ in range(10):
        ContactFactory(case=case, specialist=specialist)
        ReferralFactory(case=case)
        FollowUpFactory(case=case, assignee=specialist)
    client.force_login(specialist)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("consultations:case_detail", args=[case.pk])).status_code == 200


def test_duplicate_hint_matches_a_reading_typed_in_katakana_or_half_width(client, specialist, site):
    case = CaseFactory(site=site, created_by=specialist, guardian__name_kana="やまだ はなこ")
    client.force_login(specialist)
    for typed in ("ヤマダハナコ", "ﾔﾏﾀﾞ ﾊﾅｺ", "やまだ　はなこ"):
        body = client.get(reverse("consultations:duplicates"), {"guardian_kana": typed}).content.decode()
        assert reverse("consultations:contact_add", args=[case.pk]) in body, typed


@pytest.mark.parametrize("typed", ["いちじあずかり", "イチジアズカリ", "一時預かり"])
def test_the_referral_picker_searches_with_the_directorys_own_search(client, specialist, site, typed):
    wanted = ServiceFactory(name="一時預かり ひまわり", name_kana="イチジアズカリ ヒマワリ")
    ServiceFactory(
        name="子育てサークル",
        name_kana="コソダテサークル",
        category=Category.objects.get(slug="parent-circle"),
    )
    client.force_login(specialist)
    body = client.get(reverse("consultations:service_options"), {"referral_query": typed}).content.decode()
    assert f'value="{wanted.pk}"' in body and "子育てサークル" not in body


def test_the_referral_picker_answers_an_overlong_query(client, specialist, site):
    client.force_login(specialist)
    response = client.get(reverse("consultations:service_options"), {"referral_query": "一時 " * 5_000})
    assert response.status_code == 200
