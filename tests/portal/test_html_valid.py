"""The Nu HTML Checker (W3C validator, npm `vnu-jar`, on Java) reports no errors on the main pages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from django.urls import reverse

from facilities.models import Situation
from tests.conftest import require_service


def _vnu() -> list[str]:
    jar = os.environ.get("VNU_JAR", "")
    require_service(bool(jar) and Path(jar).exists(), "VNU_JAR does not point at vnu.jar (npm pack vnu-jar)")
    require_service(shutil.which("java") is not None, "java is not installed (default-jre-headless)")
    return ["java", "-jar", jar, "--errors-only", "--format", "json"]


def test_the_main_pages_have_no_html_errors(client, parent, parent_city, tmp_path):
    command = _vnu()
    session = parent_city
    public = {
        "home": "/",
        "situations": reverse("facilities:situations"),
        "search": reverse("facilities:search") + "?q=%E3%81%B2%E3%82%8D%E3%81%B0",
        "situation": Situation.objects.get(slug="exhausted").search_url(),
        "service": session.service.get_absolute_url(),
        "login": reverse("account_login"),
        "signup": reverse("account_signup"),
    }
    signed_in = {
        "session": reverse("bookings:session_detail", args=[session.pk]),
        "my_bookings": reverse("bookings:my_bookings"),
        "children": reverse("bookings:child_list"),
        "account": reverse("portal:account"),
        "consultation_request": reverse("consultations:request"),
    }
    files = []
    for pages in (public, signed_in):
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, url
            files.append(tmp_path / f"{name}.html")
            files[-1].write_bytes(response.content)
        client.force_login(parent)
    result = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, timeout=120)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages if m["type"] == "error"
    ]
    assert errors == []
