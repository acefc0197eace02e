"""Under the Content-Security-Policy: a saved script never runs, and the admin and the report still work.

The ``page`` fixture fails any test during which Chromium reported a blocked resource or script.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.e2e.conftest import log_in
from tests.facilities.factories import ServiceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_script_saved_in_a_description_does_not_run(page):
    service = ServiceFactory(description='</script><script>alert(1)</script><img src=x onerror="alert(2)">')
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(service.get_absolute_url())
    page.wait_for_load_state("load")
    assert dialogs == []
    assert "<script>alert(1)</script>" in page.locator("main").inner_text()


def test_city_staff_use_the_admin_and_the_report_without_blocked_content(page, city_staff):
    service = ServiceFactory()
    log_in(page, city_staff)
    page.goto(reverse("admin:facilities_service_change", args=[service.pk]))
    assert page.locator("#service_form").is_visible()
    page.goto(reverse("consultations:report"))
    assert page.locator("svg.bar").count() > 0
