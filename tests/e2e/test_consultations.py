"""A specialist logs a walk-in with two needs and a referral, books a hub course for the family with
the parent's consent, and closes a follow-up, all in the browser; the logging screen passes axe."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import Case, Specialist
from facilities.bookings import services as booking_services
from facilities.bookings.models import Booking
from facilities.models import Category
from tests.consultations.factories import ServiceFactory, SiteFactory
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_walk_in_referral_booking_and_follow_up(page, specialist, parent):
    site = SiteFactory(service__name="ひろば 利用者支援")
    Specialist.objects.create(user=specialist, site=site, is_lead=True)
    course = ServiceFactory(
        name="ベビーマッサージ講座",
        name_kana="ベビーマッサージコウザ",
        category=Category.objects.get(slug="parenting-course"),
        min_age_months=0,
        max_age_months=24,
    )
    ServiceFactory(name="一時預かり すくすく")
    starts = timezone.now() + dt.timedelta(days=2)
    session = booking_services.session_create(
        service=course,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        capacity=8,
        by=None,
        opens_at=timezone.now() - dt.timedelta(days=1),
    )
    child = booking_services.child_create(
        parent=parent, nickname="はると", birth_date=timezone.localdate() - dt.timedelta(days=150)
    )

    log_in(page, specialist)
    page.goto("/consultations/log/")
    assert_accessible(page)

    page.get_by_label("保護者の氏名").fill("山田 花子")
    page.get_by_label("よみがな").fill("やまだ はなこ")
    page.get_by_label("電話番号").fill("090-1234-5678")
    page.get_by_label("子どもの名前").fill("山田 陽翔")
    page.get_by_label("子どもの生年月日").fill(f"{child.birth_date:%Y-%m-%d}")
    page.get_by_label("来所").check()
    page.get_by_label("育児不安・負担").check()
    page.get_by_label("仲間づくり・居場所").check()
    page.get_by_label("情報提供").check()
    page.get_by_label("紹介先を検索").fill("ベビー")
    select = page.locator("#id_referral_service")
    # A locator wait, not wait_for_function: that evals a string, which the CSP forbids.
    expect(select.locator("option")).to_have_count(2)
    select.select_option(label=f"ベビーマッサージ講座（{course.category.name}）")
    due = timezone.localdate() + dt.timedelta(days=7)
    page.get_by_label("フォローアップの期日").fill(f"{due:%Y-%m-%d}")
    page.get_by_label("フォローアップの内容").fill("講座に参加できたか確認")
    page.get_by_role("button", name="記録する").click()

    page.wait_for_url("**/consultations/cases/*/")
    assert page.get_by_text("相談を記録しました。").is_visible()
    case = Case.objects.get()
    assert case.contacts.get().needs.count() == 2
    assert case.referrals.get().service == course

    # The parent has a portal account and consents today: record it, then book the course.
    page.get_by_role("link", name="ケース情報を編集").click()
    page.get_by_label("ポータルのアカウント（メールアドレス）").fill(parent.email)
    page.get_by_label("代理予約の同意日").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_role("button", name="保存").click()
    page.get_by_role("link", name="この紹介先の回を代理予約する").click()
    page.get_by_label(str(session.display_title), exact=False).first.check()
    page.get_by_label("はると").check()
    page.get_by_role("button", name="予約する").click()
    page.wait_for_url("**/consultations/cases/*/")
    booking = Booking.objects.get()
    assert booking.parent == parent and booking.child == child and booking.session == session

    page.get_by_role("button", name="完了にする").click()
    assert page.get_by_text("フォローアップを完了にしました。").is_visible()
    assert case.follow_ups.get().done_at is not None


def test_duplicate_household_save_anyway_merge_close_and_reopen(page, specialist):
    """#11.12/#11.14/#11.17 in the browser: the save-time duplicate check, the merge, a closed case
    without action buttons, and the new pages, each passing axe."""
    from tests.consultations.factories import CaseFactory, ContactFactory

    site = SiteFactory(service__name="ひろば 利用者支援")
    Specialist.objects.create(user=specialist, site=site, is_lead=True)
    first = CaseFactory(site=site, created_by=specialist, guardian__name="山本 さくら")
    ContactFactory(case=first, specialist=specialist)

    log_in(page, specialist)
    page.goto("/consultations/log/")
    page.get_by_label("保護者の氏名").fill("山本さくら")
    page.get_by_label("電話", exact=True).check()
    page.get_by_label("育児不安・負担").check()
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_text(f"同じ世帯かもしれないケースがあります（{first.number}）")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="別の世帯なので、このまま保存する").click()
    page.wait_for_url("**/consultations/cases/*/")
    second = Case.objects.exclude(pk=first.pk).get()

    page.get_by_role("link", name="重複したケースを統合").click()
    assert_accessible(page)
    page.get_by_label("統合するケースの番号").fill(str(first.pk))
    page.get_by_label("統合すると元に戻せないことを確認しました").check()
    page.get_by_role("button", name="統合する").click()
    expect(page.get_by_text(f"ケース {first.number} を統合しました。")).to_be_visible()
    assert second.contacts.count() == 2

    page.get_by_label("終結の理由").select_option(label="解決・利用につながった")
    page.get_by_role("button", name="終結する").click()
    expect(page.get_by_role("button", name="ケースを再開する")).to_be_visible()
    log_here = page.locator(f'a[href="/consultations/cases/{second.pk}/log/"]')  # not the menu's
    expect(log_here).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="ケースを再開する").click()
    expect(log_here).to_be_visible()

    for url in ("/consultations/follow-ups/", "/consultations/supervisor/"):
        page.goto(url)
        assert_accessible(page)
