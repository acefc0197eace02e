"""お子さんの登録: dates that make sense, and a pregnancy that becomes a child after the birth."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from facilities.bookings import services
from facilities.bookings.models import Child
from portal.dates import add_months
from tests.bookings.factories import BookingFactory, ChildFactory

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return timezone.localdate()


@pytest.mark.parametrize(
    ("due", "ok"),
    [
        (lambda today: today - dt.timedelta(days=15), False),
        (lambda today: today - dt.timedelta(days=14), True),  # a birth may come a little late
        (lambda today: add_months(today, 10), True),
        (lambda today: add_months(today, 10) + dt.timedelta(days=1), False),
    ],
)
def test_a_due_date_is_from_two_weeks_ago_to_ten_months_ahead(parent, due, ok):
    child = Child(parent=parent, nickname="おなか", is_pregnancy=True, due_date=due(_today()))
    if ok:
        child.full_clean()
    else:
        with pytest.raises(ValidationError, match="出産予定日は"):
            child.full_clean()


@pytest.mark.parametrize(
    ("birth", "message"),
    [
        (dt.date(1900, 1, 1), "18歳以下"),
        (lambda today: add_months(today, -216) - dt.timedelta(days=1), "18歳以下"),
        (lambda today: today + dt.timedelta(days=1), "未来の日付"),
    ],
)
def test_a_birth_date_is_neither_in_the_future_nor_over_18_years_ago(parent, birth, message):
    birth = birth(_today()) if callable(birth) else birth
    with pytest.raises(ValidationError, match=message):
        services.child_create(parent=parent, nickname="こ", birth_date=birth)
    assert not Child.objects.exists()


def test_the_oldest_and_youngest_birth_dates_are_accepted(parent):
    services.child_create(parent=parent, nickname="上", birth_date=add_months(_today(), -216))
    services.child_create(parent=parent, nickname="下", birth_date=_today())
    assert Child.objects.count() == 2


def test_the_form_keeps_what_was_typed_and_says_why(client, parent):
    client.force_login(parent)
    response = client.post(reverse("bookings:child_create"), {"nickname": "はな", "birth_date": "1900-01-01"})
    body = response.content.decode()
    assert response.status_code == 200 and "18歳以下" in body and 'value="はな"' in body
    assert 'max="' in body and 'min="' in body  # the picker offers the same range
    assert not Child.objects.exists()


def test_a_pregnancy_past_its_due_date_is_offered_to_become_a_child(client, parent):
    pregnancy = ChildFactory(
        parent=parent,
        nickname="おなかの赤ちゃん",
        birth_date=None,
        is_pregnancy=True,
        due_date=_today() - dt.timedelta(days=2),
    )
    booking = BookingFactory(child=pregnancy)
    client.force_login(parent)
    listing = client.get(reverse("bookings:child_list")).content.decode()
    url = reverse("bookings:child_born", args=[pregnancy.pk])
    assert "出産予定日" in listing and url in listing
    response = client.post(
        url, {"nickname": "ひなた", "birth_date": (_today() - dt.timedelta(days=3)).isoformat()}
    )
    assert response.status_code == 302
    pregnancy.refresh_from_db()
    assert (pregnancy.is_pregnancy, pregnancy.nickname, pregnancy.due_date) == (False, "ひなた", None)
    assert pregnancy.bookings.get() == booking  # its history stays with the profile


def test_the_birth_form_refuses_a_future_date_and_saves_nothing(client, parent):
    pregnancy = ChildFactory(parent=parent, birth_date=None, is_pregnancy=True, due_date=_today())
    client.force_login(parent)
    response = client.post(
        reverse("bookings:child_born", args=[pregnancy.pk]),
        {"nickname": "ひなた", "birth_date": (_today() + dt.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200 and "未来の日付" in response.content.decode()
    pregnancy.refresh_from_db()
    assert pregnancy.is_pregnancy


def test_a_child_or_another_parents_pregnancy_has_no_birth_page(client, parent, other_parent):
    client.force_login(parent)
    child = ChildFactory(parent=parent)
    theirs = ChildFactory(parent=other_parent, birth_date=None, is_pregnancy=True, due_date=_today())
    for target in (child, theirs):
        assert client.get(reverse("bookings:child_born", args=[target.pk])).status_code == 404


def test_a_profile_saved_with_a_right_due_date_stays_editable_after_it(parent):
    pregnancy = ChildFactory(
        parent=parent, birth_date=None, is_pregnancy=True, due_date=_today() - dt.timedelta(days=40)
    )  # saved weeks ago, when the date was ahead
    services.child_update(child=pregnancy, nickname="あかちゃん")
    assert Child.objects.get(pk=pregnancy.pk).nickname == "あかちゃん"
    with pytest.raises(ValidationError, match="出産予定日は"):
        services.child_update(child=pregnancy, due_date=_today() - dt.timedelta(days=39))
