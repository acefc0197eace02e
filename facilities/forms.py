from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from facilities.caching import FRAGMENT_SECONDS, labels_version
from facilities.geo import point_for_postal_code
from facilities.models import Area, Category, Situation
from facilities.search import Point
from facilities.services import MAX_QUERY_CHARS
from portal.i18n import localized

# Oldest child the directory serves: 18 years.
MAX_AGE_MONTHS = 216


def filter_choices(version: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The 種別 and 地区 options in the page's language, read once per version of their names."""
    key = f"facilities:filter-choices:{version}:{get_language()}"
    choices = cache.get(key)
    if choices is None:
        categories = [
            (c.slug, f"— {localized(c)}" if c.parent_id else localized(c))
            for c in Category.objects.only("slug", "name", "name_en", "parent_id")
        ]
        areas = [(a.code, localized(a)) for a in Area.objects.only("code", "name", "name_en")]
        choices = (categories, areas)
        cache.set(key, choices, FRAGMENT_SECONDS)
    return choices


class SearchForm(forms.Form):
    """サービス検索: every field optional; a bad field is reported and the others still apply."""

    WHEN_CHOICES = [
        ("", _("指定しない")),
        ("now", _("いま開いている")),
        ("at", _("日時を指定")),
    ]
    # The default order has an empty value, so it stays out of the URL like every unset field.
    SORT_CHOICES = [("", _("関連度順")), ("distance", _("近い順"))]
    # What the 「絞り込み」 control folds and counts; the words, the situation and the location are not
    # filters the parent set there.
    FILTER_FIELDS = (
        "category",
        "area",
        "age_months",
        "pregnant",
        "when",
        "nights_weekends",
        "bookable_online",
        "free",
        "sort",
        "postal_code",
    )

    q = forms.CharField(
        label=_("ことばでさがす"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
        help_text=_("例：一時預かり、ひろば、はったつ。ひらがな・カタカナでも探せます。"),
    )
    category = forms.MultipleChoiceField(label=_("種別"), required=False, widget=forms.CheckboxSelectMultiple)
    area = forms.ChoiceField(label=_("地区"), required=False)
    age_months = forms.IntegerField(
        label=_("お子さんの月齢（か月）"),
        required=False,
        min_value=0,
        max_value=MAX_AGE_MONTHS,
        help_text=_("1歳は12か月、3歳は36か月です。"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    pregnant = forms.BooleanField(label=_("妊娠中"), required=False)
    when = forms.ChoiceField(
        label=_("開いている時間"), required=False, choices=WHEN_CHOICES, widget=forms.RadioSelect
    )
    day = forms.DateField(label=_("日付"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("時刻"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    nights_weekends = forms.BooleanField(label=_("夜間・土日も使える"), required=False)
    bookable_online = forms.BooleanField(label=_("ネット予約できる"), required=False)
    free = forms.BooleanField(label=_("無料"), required=False)
    postal_code = forms.CharField(
        label=_("郵便番号（近い順に並べるとき）"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    sort = forms.ChoiceField(label=_("並び順"), required=False, choices=SORT_CHOICES)
    situation = forms.SlugField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read once: the option lists and the panel's cache key both depend on it.
        self.labels_version = labels_version()
        categories, areas = filter_choices(self.labels_version)
        self.fields["category"].choices = categories
        self.fields["area"].choices = [("", _("すべての地区")), *areas]

    def clean_postal_code(self) -> str:
        value = self.cleaned_data["postal_code"]
        if value and point_for_postal_code(value) is None:
            raise forms.ValidationError(
                _("この郵便番号は市内の表にありません。7けたの郵便番号を入れてください。")
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("when") == "at" and not (data.get("day") and data.get("time")):
            self.add_error("day", _("日時を指定するときは、日付と時刻の両方を入れてください。"))
        if data.get("sort") == "distance" and self.point() is None:
            self.add_error("postal_code", _("近い順に並べるには、郵便番号を入れるか現在地を使ってください。"))
        return data

    def panel_version(self) -> str:
        """What the 絞り込み panel shows depends on: its options' version, the language, the filters
        as sent and the form's errors (any error opens the panel; the distance order's error also
        depends on the location, which is outside the panel)."""
        sent = [(name, self.data.getlist(name)) for name in (*self.FILTER_FIELDS, "day", "time")]
        errors = sorted(
            (name, [str(message) for message in messages]) for name, messages in self.errors.items()
        )
        return repr((self.labels_version, get_language(), errors, sent))

    def active_filter_count(self) -> int:
        """How many filters are set (shown on the folded 「絞り込み」 control); an invalid one counts,
        since the parent set it and sees its error inside."""
        if not self.is_bound:
            return 0
        return sum(1 for name in self.FILTER_FIELDS if self.data.get(name) not in (None, ""))

    def point(self) -> Point | None:
        data = getattr(self, "cleaned_data", {})
        if data.get("lat") is not None and data.get("lng") is not None:
            return Point(data["lat"], data["lng"])
        if data.get("postal_code"):
            return point_for_postal_code(data["postal_code"])
        return None

    def open_at(self) -> dt.datetime | None:
        data = getattr(self, "cleaned_data", {})
        if data.get("when") == "now":
            return timezone.localtime()
        if data.get("when") == "at" and data.get("day") and data.get("time"):
            return timezone.make_aware(dt.datetime.combine(data["day"], data["time"]))
        return None

    def search_kwargs(self) -> dict[str, Any]:
        """Arguments for ``search_services`` from the fields that are valid (after ``is_valid()``;
        an unbound form searches everything)."""
        data = getattr(self, "cleaned_data", {})
        point = self.point()
        return {
            "query": data.get("q") or "",
            "categories": data.get("category") or [],
            "area": data.get("area") or None,
            "age_months": data.get("age_months"),
            "pregnant": bool(data.get("pregnant")),
            "open_at": self.open_at(),
            "nights_weekends": bool(data.get("nights_weekends")),
            "bookable_online": bool(data.get("bookable_online")),
            "free": bool(data.get("free")),
            "point": point,
            "sort": "distance" if data.get("sort") == "distance" and point else "relevance",
        }


class SearchMissForm(forms.Form):
    """From one search that found nothing, in one step: a 同義語 to a word the directory uses, or a
    word of a こんなときは."""

    query = forms.CharField(widget=forms.HiddenInput, max_length=MAX_QUERY_CHARS)
    expansion = forms.CharField(
        label=_("同義語として：言いかえ"),
        required=False,
        max_length=100,
        help_text=_("サービスの名前や種別にあることば（例：一時預かり）"),
    )
    situation = forms.ModelChoiceField(
        label=_("または、こんなときはのことばに"), queryset=Situation.objects.all(), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("expansion")) == bool(data.get("situation")):
            raise forms.ValidationError(_("言いかえか、こんなときはのどちらか一つを選んでください。"))
        return data
