"""The benchmarks' baseline view: the whole middleware stack and one primary-key look-up."""

from __future__ import annotations

import pytest
from django.urls import reverse

from facilities.models import Area

pytestmark = pytest.mark.django_db


def test_ping_answers_the_area_code_with_one_query(client, django_assert_num_queries):
    area = Area.objects.create(code="bench", name="ベンチ地区")
    with django_assert_num_queries(1):
        response = client.get(reverse("ping", args=[area.pk]))
    assert response.status_code == 200
    assert response.json() == {"area": "bench"}


def test_ping_for_an_unknown_area_is_404(client):
    assert client.get(reverse("ping", args=[999999])).status_code == 404
