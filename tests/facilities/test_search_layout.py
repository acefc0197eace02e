"""The search page on a phone: results first, one folded 「絞り込み」 control, short URLs, urgent help."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from facilities.models import Category, Situation
from facilities.urgent import needs_urgent_help
from tests.facilities.factories import ServiceFactory, weekly

SEARCH = reverse("facilities:search")
ROOT = Path(__file__).resolve().parents[2]


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return timezone.localtime().replace(hour=hour, minute=minute)


@pytest.fixture
def daytime(clock):
    return clock(11)


@pytest.fixture
def late_evening(clock):
    return clock(22, 30)


def _category_id(slug: str) -> int:
    return Category.objects.get(slug=slug).pk


def test_empty_fields_of_a_form_sent_without_javascript_are_dropped_by_a_redirect(client, demo_city):
    response = client.get(SEARCH + "?q=%E3%81%B2%E3%82%8D%E3%81%B0&area=&when=&sort=&age_months=+&day=")
    assert response.status_code == 302
    assert response.url == SEARCH + "?q=%E3%81%B2%E3%82%8D%E3%81%B0"
    assert client.get(SEARCH + "?area=&when=").url == SEARCH


def test_a_clean_url_and_htmx_requests_are_not_redirected(client, demo_city):
    assert client.get(SEARCH, {"q": "ひろば", "category": ["hub", "popup-hub"]}).status_code == 200
    assert client.get(SEARCH, {"q": "ひろば", "area": ""}, HTTP_HX_REQUEST="true").status_code == 200


def test_filters_are_folded_and_count_what_is_set(client, demo_city):
    html = client.get(SEARCH, {"q": "ひろば", "area": "chuo", "free": "on"}).content.decode()
    assert '<details class="filters">' in html  # closed: the results come first
    assert re.search(r"<summary>絞り込み<span id=\"filter-count\"[^>]*> <span class=\"tag\">2件設定中", html)
    assert html.index('id="results"') > html.index("<summary>")
    unfiltered = client.get(SEARCH, {"q": "ひろば"}).content.decode()
    assert "件設定中" not in unfiltered


def test_filters_open_when_one_of_them_is_wrong(client, demo_city):
    html = client.get(SEARCH, {"age_months": "999"}).content.decode()
    assert '<details class="filters" open>' in html


def test_a_live_search_updates_the_filter_count_out_of_band(client, demo_city):
    html = client.get(SEARCH, {"q": "ひろば", "free": "on"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="filter-count" class="filter-count" data-hx-swap-oob="true"' in html
    assert "1件設定中" in html


def test_a_situation_page_starts_with_its_heading(client, demo_city):
    situation = Situation.objects.get(slug="development")
    html = client.get(situation.search_url()).content.decode()
    assert f"<h1>{situation.title}</h1>" in html
    assert "こんなときは" in html[: html.index("<h1>") + 200]


def test_the_situation_in_english_uses_its_english_title(client, demo_city):
    situation = Situation.objects.get(slug="development")
    situation.title_en = "Worried about my child's development"
    situation.save()
    client.cookies["django_language"] = "en"
    html = client.get(situation.search_url()).content.decode()
    assert "<h1>Worried about my child&#x27;s development</h1>" in html


@pytest.mark.parametrize(
    ("slug", "hour", "urgent"),
    [
        ("night-emergency", 11, True),
        ("exhausted", 11, True),
        ("development", 11, False),
        (None, 22, True),
        (None, 6, True),
        (None, 7, False),
    ],
)
def test_when_urgent_help_is_shown(slug, hour, urgent):
    assert needs_urgent_help(situation_slug=slug, now=_at(hour)) is urgent


def test_the_exhausted_situation_shows_the_national_lines_and_open_services_first(client, demo_city, daytime):
    closed = ServiceFactory(name="しまっているサークル", category_id=_category_id("parent-circle"))
    # Open on 祝日 too, so the test holds whatever day it runs.
    open_now = ServiceFactory(
        name="あいているサークル", category_id=_category_id("parent-circle"), closed_on_holidays=False
    )
    weekly(open_now, daytime.weekday(), "09:00", "17:00")
    html = client.get(Situation.objects.get(slug="exhausted").search_url()).content.decode()
    assert 'href="tel:%238000"' in html and 'href="tel:189"' in html
    assert html.index("あいているサークル") < html.index("しまっているサークル")
    assert closed.name in html


def test_the_citys_after_hours_line_is_shown_only_when_the_city_gave_one(
    client, demo_city, settings, late_evening
):
    html = client.get(SEARCH, {"q": "ひろば"}).content.decode()
    assert "tel:189" in html and "夜間・休日の連絡先" not in html  # unknown stays unknown
    settings.CITY_AFTER_HOURS_PHONE = "0120-000-999"
    html = client.get(SEARCH, {"q": "ひろば"}).content.decode()
    assert 'href="tel:0120-000-999"' in html and "みどり市の夜間・休日の連絡先" in html


def test_no_lines_on_an_ordinary_daytime_search(client, demo_city, daytime):
    assert "tel:189" not in client.get(SEARCH, {"q": "ひろば"}).content.decode()
    assert "tel:189" not in client.get("/").content.decode()


def test_the_home_page_has_a_search_box_real_entry_links_and_the_situations(client, demo_city, daytime):
    html = client.get("/").content.decode()
    assert re.search(r'<form class="search-form home-search" action="/search/" method="get"', html)
    assert '<input id="home-q" type="search" name="q"' in html
    for href in (SEARCH, SEARCH + "?bookable_online=on", reverse("consultations:request")):
        assert f'<h2><a href="{href}">' in html
    assert "こんなときは" in html and Situation.objects.first().title in html


def test_home_late_at_night_shows_the_lines(client, demo_city, late_evening):
    assert "tel:189" in client.get("/").content.decode()


def test_templates_use_only_data_hx_attributes():
    """htmx also reads data-hx-*, which the HTML checker accepts; bare hx-* are invalid HTML."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in path.parts and re.search(r"[\s<]hx-[a-z]", path.read_text())
    ]
    assert offenders == []
