"""A parent asks for a consultation without a child profile; it waits in the site's intake."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consultations.models import ConsultationRequest
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

REQUEST = reverse("consultations:request")
INTAKE = reverse("consultations:request_intake")


def _form(site, **fields):
    return {"site": site.pk, "worry": "夜泣きで眠れません", "contact_by": "online", "consent": "on", **fields}


def test_asking_needs_an_account(client, site):
    response = client.get(REQUEST)
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_a_parent_without_child_profiles_asks_and_it_waits_pending_with_the_consent(client, parent, site):
    assert not parent.children.exists()
    client.force_login(parent)
    response = client.post(REQUEST, _form(site, contact_by="phone", phone="090-1234-5678"), follow=True)
    assert response.redirect_chain[-1][0] == REQUEST
    [request] = ConsultationRequest.objects.all()
    assert (request.parent, request.site, request.status) == (
        parent,
        site,
        ConsultationRequest.Status.PENDING,
    )
    assert request.consent_at is not None and request.phone == "090-1234-5678"
    body = response.content.decode()
    assert "相談の申し込みを受け付けました" in body and "未対応" in body  # and it is listed as pending


def test_without_consent_nothing_is_saved_and_the_worry_stays_in_the_form(client, parent, site):
    client.force_login(parent)
    form = _form(site)
    del form["consent"]
    response = client.post(REQUEST, form)
    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert "夜泣きで眠れません" in response.content.decode()
    assert not ConsultationRequest.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"contact_by": "phone", "phone": ""}, "phone"),
        ({"worry": "   "}, "worry"),
        ({"worry": "あ" * 401}, "worry"),
        ({"contact_by": "email"}, "contact_by"),
    ],
)
def test_bad_requests_are_refused_with_the_field_named(client, parent, site, fields, field):
    client.force_login(parent)
    response = client.post(REQUEST, _form(site, **fields))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ConsultationRequest.objects.exists()


def test_the_sites_specialist_sees_it_in_the_intake_and_the_read_is_logged(
    client, parent, site, specialist, other_site
):
    mine = ConsultationRequest.objects.create(
        parent=parent,
        site=site,
        worry="<b>ねむれない</b>",
        contact_by="online",
        consent_at="2026-11-01T10:00+09:00",
    )
    ConsultationRequest.objects.create(
        parent=parent,
        site=other_site,
        worry="ほかの相談先あて",
        contact_by="online",
        consent_at="2026-11-01T10:00+09:00",
    )
    client.force_login(specialist)
    body = client.get(INTAKE).content.decode()
    assert "&lt;b&gt;ねむれない&lt;/b&gt;" in body  # what a parent typed is escaped
    assert "ほかの相談先あて" not in body
    assert AuditEntry.objects.about(site).filter(by=specialist, action=AuditEntry.Action.READ).exists()

    response = client.post(reverse("consultations:request_take", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.taken_by) == (ConsultationRequest.Status.TAKEN, specialist)
    assert "ねむれない" not in client.get(INTAKE).content.decode()


def test_another_sites_specialist_cannot_take_it(client, parent, site, other_specialist):
    request = ConsultationRequest.objects.create(
        parent=parent, site=site, worry="相談", contact_by="online", consent_at="2026-11-01T10:00+09:00"
    )
    client.force_login(other_specialist)
    assert client.post(reverse("consultations:request_take", args=[request.pk])).status_code == 404
    request.refresh_from_db()
    assert request.status == ConsultationRequest.Status.PENDING


def test_parents_cannot_open_the_intake(client, parent):
    client.force_login(parent)
    assert client.get(INTAKE).status_code == 403
