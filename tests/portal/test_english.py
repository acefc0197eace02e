"""English is complete on the parent's pages: one way to show a record in the page's language
(portal.i18n.localized), and a walk through the main pages that fails on Japanese UI text."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from facilities.bookings import notices, services
from facilities.bookings.models import Child, Session
from facilities.models import (
    Area,
    Category,
    Location,
    Organization,
    Service,
    Situation,
    SpecialHours,
    age_text,
)
from portal.i18n import city_name, localized
from portal.models import User
from tests.consultations.factories import SiteFactory
from tests.facilities.factories import ServiceFactory

# Kana, kanji and the full-width punctuation that only Japanese uses: between English words a 「・」 or
# 「：」 reads as a stray character (the English separators are "·", ":", "(", ", ", "–").
JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uff01-\uff65]+")


def test_localized_uses_the_english_field_only_in_english(db):
    area = Area(code="x", name="中央地区", name_en="Chuo")
    untranslated = Area(code="y", name="港地区")
    with translation.override("en"):
        assert (localized(area), localized(untranslated)) == ("Chuo", "港地区")  # unknown stays Japanese
        assert city_name() == "Midori City"
    assert localized(area) == "中央地区" and city_name() == "みどり市"


def test_the_filter_is_there_in_every_template_without_loading_it(db):
    situation = Situation(title="しんどい", title_en="Exhausted")
    with translation.override("en"):
        assert Template('{{ s|localized:"title" }}').render(Context({"s": situation})) == "Exhausted"


class _Text(HTMLParser):
    """The text a person reads or hears: text nodes and accessible names, outside <script>/<style>
    and outside elements marked lang="ja" (the language switch's 「日本語」)."""

    SKIP = {"script", "style", "template"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # True where text is not read as English UI
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skipped = (self.stack and self.stack[-1]) or tag in self.SKIP or attrs.get("lang") == "ja"
        if not skipped:
            self.parts += [attrs[a] for a in ("aria-label", "title", "placeholder", "alt") if attrs.get(a)]
        if tag not in self.VOID:
            self.stack.append(bool(skipped))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def _proper_names() -> list[str]:
    """What the city or the people typed: facility names, addresses, titles, nicknames. These stay as
    they were written (the city gives English where it has it); everything else must be English."""
    names: set[str] = set()
    for service in Service.objects.all():
        names |= {service.name, service.name_kana, service.fee, service.phone}
        if not service.description_en:
            names |= set(service.description.splitlines())
    for location in Location.objects.all():
        names |= {location.name, location.address, location.access_notes, location.barrier_free_notes}
    names |= set(Organization.objects.values_list("name", flat=True))
    names |= set(Session.objects.values_list("title", flat=True))
    names |= set(Session.objects.values_list("place", flat=True))
    names |= set(SpecialHours.objects.values_list("note", flat=True))
    names |= set(Child.objects.values_list("nickname", flat=True))
    names |= set(User.objects.values_list("display_name", flat=True))
    return sorted((n for n in names if n), key=len, reverse=True)


def japanese_ui_text(html: str, names: list[str]) -> list[str]:
    parser = _Text()
    parser.feed(html)
    text = "\n".join(parser.parts)
    for name in names:
        text = text.replace(name, " ")
    return sorted(set(JAPANESE.findall(text)))


def test_every_category_situation_and_district_has_english(parent_city):
    assert not Category.objects.filter(name_en="").exists()
    assert not Situation.objects.filter(title_en="").exists()
    assert not Situation.objects.filter(words_en="").exists()
    assert not Area.objects.filter(name_en="").exists()


def _english_leftovers(client, pages: list[str], status: int = 200) -> dict[str, list[str]]:
    names = _proper_names()
    found = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == status, url
        html = response.content.decode()
        assert '<html lang="en">' in html, url
        if leftovers := japanese_ui_text(html, names):
            found[url] = leftovers
    return found


def test_the_main_parent_pages_in_english_carry_no_japanese_ui_text(client, parent, parent_city):
    session = parent_city
    booking = session.bookings.get()
    # Another session the child can book: not at the same time as the booked one (the demo's sessions
    # follow the clock, and a session overlapping it is refused as a double booking).
    other = (
        Session.objects.filter(service__bookable_online=True)
        .exclude(pk=session.pk)
        .exclude(starts_at__lt=session.ends_at, ends_at__gt=session.starts_at)
        .order_by("starts_at")[0]
    )
    client.force_login(parent)
    client.post(reverse("portal:set_language"), {"language": "en", "next": "/"})
    situation = Situation.objects.get(slug="exhausted")
    search = reverse("facilities:search")
    pages = [
        "/",
        reverse("facilities:situations"),
        search + "?q=hiroba",
        search,
        search + "?q=zzzzqqqq",
        situation.search_url(),
        session.service.get_absolute_url(),
        reverse("bookings:service_sessions", args=[session.service_id]),
        reverse("bookings:session_detail", args=[session.pk]),
        reverse("bookings:session_detail", args=[other.pk]),
        reverse("bookings:booking_confirm", args=[other.pk]) + f"?child={booking.child_id}",
        reverse("bookings:my_bookings"),
        reverse("bookings:booking_detail", args=[booking.pk]),
        reverse("bookings:child_list"),
        reverse("bookings:child_create"),
        reverse("bookings:child_edit", args=[booking.child_id]),
        reverse("portal:account"),
        reverse("consultations:request"),
    ]
    found = _english_leftovers(client, pages)
    found |= _english_leftovers(client, ["/no-such-page/"], status=404)
    assert found == {}


def test_bad_input_is_answered_in_english(client, parent, parent_city):
    """The form comes back with its errors (a 200, nothing saved), every message and label in English."""
    client.force_login(parent)
    client.post(reverse("portal:set_language"), {"language": "en", "next": "/"})
    posts = {
        reverse("bookings:child_create"): {"nickname": "Umi", "birth_date": "2999-01-01"},
        reverse("consultations:request"): {"worry": "", "contact_by": "carrier pigeon"},
        reverse("facilities:search") + "?q=hiroba&age_months=abc&when=at&day=2026-13-40": None,
    }
    names = _proper_names()
    found = {}
    for url, data in posts.items():
        response = client.get(url) if data is None else client.post(url, data)
        html = response.content.decode()
        assert response.status_code == 200 and 'class="errorlist' in html, url
        if leftovers := japanese_ui_text(html, names):
            found[url] = leftovers
    assert found == {}
    assert not parent.children.filter(nickname="Umi").exists()


def test_a_sent_consultation_request_is_listed_in_english(client, parent, parent_city):
    site = SiteFactory()
    client.force_login(parent)
    client.post(reverse("portal:set_language"), {"language": "en", "next": "/"})
    data = {"site": site.pk, "worry": "夜泣きがつらい", "contact_by": "online", "consent": "on"}
    response = client.post(reverse("consultations:request"), data, follow=True)
    html = response.content.decode()
    assert parent.consultation_requests.count() == 1
    sent = re.search(r"<li>[^<]*— [^<]*</li>", html).group()
    assert sent.startswith(f"<li>{date_format(timezone.localtime(), 'M j, Y')}") and " (Online) — " in sent
    assert japanese_ui_text(html, [*_proper_names(), "夜泣きがつらい"]) == []


def test_sign_up_and_sign_in_in_english_carry_no_japanese_ui_text(client, parent_city):
    client.cookies["django_language"] = "en"
    pages = [reverse("account_signup"), reverse("account_login"), reverse("account_reset_password")]
    assert _english_leftovers(client, pages) == {}
    assert _english_leftovers(client, ["/no-such-page/"], status=404) == {}


def test_a_service_the_city_described_in_english_reads_in_english(client, db):
    service = ServiceFactory(
        name="ひろば えいご",
        name_en="Hiroba Eigo",
        description="親子で遊べます。",
        description_en="Play together.",
    )
    client.cookies["django_language"] = "en"
    results = client.get(reverse("facilities:search"), {"q": "ひろば えいご"}).content.decode()
    page = client.get(service.get_absolute_url()).content.decode()
    for html in (results, page):
        assert "Hiroba Eigo" in html and "Play together." in html
        assert "親子で遊べます" not in html
    client.cookies["django_language"] = "ja"
    assert "親子で遊べます" in client.get(service.get_absolute_url()).content.decode()


def test_plurals_and_dates_with_weekdays_read_as_english(client, parent_city):
    session = parent_city
    with translation.override("en"):
        ages = [age_text(months) for months in (1, 2, 12, 25)]
        starts = date_format(timezone.localtime(session.starts_at), "D j M Y, H:i")
    assert ages == ["1 month", "2 months", "1 year", "2 years 1 month"]
    client.cookies["django_language"] = "en"
    url = reverse("bookings:session_detail", args=[session.pk])
    seats = []
    confirmed = session.bookings.filter(status="confirmed").count()
    for left in (1, 2):
        Session.objects.filter(pk=session.pk).update(capacity=confirmed + left)
        seats.append(client.get(url).content.decode())
    assert "1 seat left" in seats[0] and "2 seats left" in seats[1]
    assert starts in seats[0] and starts.startswith(("Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun "))
    card = client.get(reverse("facilities:search"), {"q": session.service.name}).content.decode()
    assert "· Today: " in card and "· Next open: " in card


def test_the_booking_mails_in_english_carry_no_japanese_ui_text(
    parent, parent_city, django_capture_on_commit_callbacks
):
    parent.language = "en"
    parent.save(update_fields=["language"])
    later = timezone.now() + dt.timedelta(days=2)
    session = Session.objects.filter(service__bookable_online=True, starts_at__gt=later).order_by(
        "starts_at"
    )[0]
    child = parent.children.get()
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(session=session, parent=parent, child=child)
    reminder_due = session.starts_at - dt.timedelta(hours=12)
    assert notices.booking_send_notice(booking_id=booking.pk, kind="reminder", now=reminder_due)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by=parent)
    assert [message.subject for message in mail.outbox] == [
        f"[Booking confirmed] {session.display_title}",
        f"[Tomorrow] {session.display_title}",
        f"[Cancelled] {session.display_title}",
    ]
    names = _proper_names()
    found = [japanese_ui_text(f"{m.subject}\n{m.body}", names) for m in mail.outbox]
    assert found == [[], [], []]
