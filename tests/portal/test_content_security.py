"""Text anyone saved stays text: schema.org JSON is escaped, and the CSP forbids inline script."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from tests.facilities.factories import ServiceFactory

pytestmark = pytest.mark.django_db

PAYLOAD = "</script><script>alert(1)</script>"


def test_a_script_saved_in_a_description_is_inert_on_the_public_page(client):
    service = ServiceFactory(description=f"親子で遊べます{PAYLOAD}", name=f"ひろば{PAYLOAD}")
    html = client.get(service.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["description"] == f"親子で遊べます{PAYLOAD}"  # search engines still get the text


@pytest.mark.parametrize(
    "text",
    [PAYLOAD, "</SCRIPT >x", "<!-- <script>", "a & b", '=HYPERLINK("x")', "\u2028line\u2029", "]]>"],
)
def test_structured_data_cannot_leave_its_element_whatever_the_text(text):
    from portal.templatetags.structured_data import ld_json

    html = str(ld_json({"description": text, "nested": [text]}))
    inner = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    # No "<" at all inside: no end tag, no comment opener, in any letter case; ">" and "&" too.
    assert not set(inner) & {"<", ">", "&"}
    assert json.loads(inner) == {"description": text, "nested": [text]}


@pytest.mark.parametrize("name", ["portal:home", "facilities:search", "account_login"])
def test_every_page_carries_a_policy_without_inline_script(client, name):
    policy = client.get(reverse(name))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "https://tile.openstreetmap.org" in directives["img-src"]


def test_htmx_is_told_not_to_eval_or_inject_styles(client):
    html = client.get(reverse("portal:home")).content.decode()
    assert '"includeIndicatorStyles": false, "allowEval": false' in html


def test_no_template_uses_inline_script_style_or_handlers():
    """The policy would block them in the browser; catch them before a page breaks silently."""
    from pathlib import Path

    from django.conf import settings

    offending = []
    pattern = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")|\sstyle=\"|\son[a-z]+=\"|hx-on"
    )
    for path in Path(settings.BASE_DIR).glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if pattern.search(line):
                offending.append(f"{path}:{number}")
    assert offending == []
