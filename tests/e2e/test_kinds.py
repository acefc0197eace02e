"""A parent meets a 両親学級 (a class for a pregnancy): each child is listed with its reason; a
pregnancy past its due date becomes the child's profile. Axe on each page, at phone size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from facilities.bookings.models import Child
from tests.bookings.factories import ChildFactory, SessionFactory
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_reasons_on_a_parents_class_and_a_pregnancy_turned_into_a_child(page, parent):
    today = timezone.localdate()
    session = SessionFactory(kind="pregnancy_class", title="両親学級（沐浴の練習）", for_pregnant=True)
    ChildFactory(parent=parent, nickname="ななみ", birth_date=today - dt.timedelta(days=7 * 365))
    pregnancy = ChildFactory(
        parent=parent,
        nickname="おなか",
        birth_date=None,
        is_pregnancy=True,
        due_date=today - dt.timedelta(days=3),
    )

    log_in(page, parent)
    page.goto(f"/bookings/sessions/{session.pk}/")
    assert page.get_by_text("妊娠中の方（出産予定日が開催日以降の方）").is_visible()
    assert page.get_by_text(
        "ななみ さんはこの回の対象ではありません（この回は妊娠中の方の講座です）。"
    ).is_visible()
    assert page.get_by_text("おなか さんの出産予定日").is_visible()
    assert_accessible(page)

    page.goto("/bookings/children/")
    assert_accessible(page)
    page.get_by_role("link", name="お子さんの情報に切り替える").click()
    page.get_by_label("呼び名").fill("ひなた")
    page.get_by_label("生年月日").fill((today - dt.timedelta(days=2)).isoformat())
    assert_accessible(page)
    page.get_by_role("button", name="切り替える").click()
    page.get_by_text("お子さんの情報に切り替えました。").wait_for()
    assert not Child.objects.get(pk=pregnancy.pk).is_pregnancy
