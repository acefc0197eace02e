"""The staff menu offers 地域連携 only to those the page lets in (the same predicate as the view)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

COOPERATION = reverse("consultations:cooperation")


def test_a_basic_site_specialist_sees_and_opens_cooperation(client, specialist):
    client.force_login(specialist)
    assert f'href="{COOPERATION}"' in client.get(reverse("portal:staff_dashboard")).content.decode()
    assert client.get(COOPERATION).status_code == 200


def test_a_specific_site_specialist_is_not_offered_what_refuses_them(client, other_specialist):
    client.force_login(other_specialist)
    body = client.get(reverse("portal:staff_dashboard")).content.decode()
    assert f'href="{COOPERATION}"' not in body
    assert reverse("consultations:case_list") in body  # the rest of the specialist's menu stays
    refused = client.get(COOPERATION)
    assert refused.status_code == 403
    assert "このページを開く権限がありません" in refused.content.decode()


def test_anonymous_pages_ask_no_predicate(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        client.get(reverse("portal:home") + "no-such-page/")
