"""Japanese is the source language; every string has an English translation."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.glob("**/locale/en/LC_MESSAGES/django.po"))
CATALOGUES = [p for p in CATALOGUES if ".venv" not in p.parts]


def test_there_is_an_english_catalogue_for_the_project_and_each_app():
    dirs = {p.relative_to(ROOT).parts[0] for p in CATALOGUES}
    assert {"locale", "facilities", "consultations", "hubs"} <= dirs


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_is_translated_to_english(path):
    with path.open("rb") as f:
        catalogue = read_po(f)
    untranslated = [
        message.id
        for message in catalogue
        if message.id
        and (
            message.fuzzy
            or not all(message.string if isinstance(message.string, tuple) else [message.string])
        )
    ]
    assert not untranslated, f"{path}: {untranslated}"


@pytest.mark.django_db
def test_home_page_switches_to_english_and_remembers_it(client, parent):
    client.force_login(parent)
    response = client.post(reverse("portal:set_language"), {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Find and book childcare support" in body
    parent.refresh_from_db()
    assert parent.language == "en"
