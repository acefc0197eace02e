"""Forms of the hub registry. They check input shape only; the 実施要綱 rules run in the services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from facilities.models import Area, Location, Organization, Service, WeeklyHours
from hubs import rules
from hubs.models import Hub, HubStaffMember, MonthlyReport

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ServiceForm(forms.ModelForm):
    """The hub's directory entry as parents see it."""

    class Meta:
        model = Service
        fields = [
            "name",
            "name_kana",
            "description",
            "phone",
            "email",
            "url",
            "min_age_months",
            "max_age_months",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ContactForm(forms.ModelForm):
    """What hub staff may propose about their entry."""

    note = forms.CharField(label=_("申し出の説明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Service
        fields = ["description", "phone", "email", "url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class OperatorForm(forms.Form):
    """運営主体: an operator already in the directory, or a new one."""

    organization = forms.ModelChoiceField(
        label=_("運営主体（登録済み）"),
        queryset=Organization.objects.all(),
        required=False,
        empty_label=_("― 新しく登録する ―"),
    )
    new_name = forms.CharField(label=_("新しい運営主体の名称"), max_length=200, required=False)
    new_kind = forms.ChoiceField(
        label=_("新しい運営主体の種別"), choices=[("", "―"), *Organization.Kind.choices], required=False
    )

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("organization"):
            if not data.get("new_name"):
                self.add_error(
                    "new_name", _("登録済みの運営主体を選ぶか、新しい運営主体の名称を入れてください。")
                )
            if not data.get("new_kind"):
                self.add_error("new_kind", _("新しい運営主体の種別を選んでください。"))
        return data

    def resolve(self) -> Organization:
        data = self.cleaned_data
        return data["organization"] or Organization(name=data["new_name"], kind=data["new_kind"])


# Where a hub of a Japanese city can be: a typed coordinate outside these bounds is a typo (or swapped).
LATITUDE_RANGE = (20, 46)
LONGITUDE_RANGE = (122, 154)


def _coordinate(label, bounds: tuple[int, int]) -> forms.DecimalField:
    # format_lazy: the message is built in the reader's language when shown, not at import.
    out_of_range = format_lazy(
        _("{label}は{low}～{high}の範囲で入れてください（日本国内。緯度と経度が逆かもしれません）。"),
        label=label,
        low=bounds[0],
        high=bounds[1],
    )
    return forms.DecimalField(
        label=label,
        error_messages={"min_value": out_of_range, "max_value": out_of_range},
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=bounds[0],
        max_value=bounds[1],
        widget=forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
    )


class PlaceForm(forms.Form):
    """実施場所: a place already in the directory, or a new one (located by a map click or typed)."""

    location = forms.ModelChoiceField(
        label=_("実施場所（登録済み）"),
        queryset=Location.objects.select_related("area"),
        required=False,
        empty_label=_("― 新しく登録する ―"),
    )
    new_name = forms.CharField(label=_("新しい場所の名称"), max_length=200, required=False)
    new_address = forms.CharField(label=_("新しい場所の住所"), max_length=300, required=False)
    new_area = forms.ModelChoiceField(
        label=_("新しい場所の地区"), queryset=Area.objects.all(), required=False
    )
    new_latitude = _coordinate(_("新しい場所の緯度"), LATITUDE_RANGE)
    new_longitude = _coordinate(_("新しい場所の経度"), LONGITUDE_RANGE)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("location"):
            for field, message in (
                ("new_name", _("登録済みの場所を選ぶか、新しい場所の名称を入れてください。")),
                ("new_address", _("新しい場所の住所を入れてください。")),
                ("new_area", _("新しい場所の地区を選んでください。")),
            ):
                if not data.get(field):
                    self.add_error(field, message)
        typed = [data.get(f) is not None for f in ("new_latitude", "new_longitude")]
        if (
            any(typed)
            and not all(typed)
            and not self.has_error("new_latitude")
            and not self.has_error("new_longitude")
        ):
            self.add_error(
                "new_longitude", _("緯度と経度は両方入れてください（地図をクリックしても入ります）。")
            )
        return data

    def resolve(self) -> Location:
        data = self.cleaned_data
        return data["location"] or Location(
            name=data["new_name"],
            address=data["new_address"],
            area=data["new_area"],
            latitude=data["new_latitude"],
            longitude=data["new_longitude"],
        )


HUB_FIELDS = [
    "hub_type",
    "implementing_body",
    "place_kind",
    "has_permanent_site",
    "addon_hub_base",
    "addon_popup",
    "addon_community_support",
    "addon_community_capacity",
]


class HubForm(forms.Form):
    """Type, place and add-ons. A plain form over the model's fields, so the 実施要綱 rules run once, in
    the service, against the proposed hours and staff rather than the stored ones."""

    def apply_to(self, hub: Hub) -> Hub:
        for name in HUB_FIELDS:
            setattr(hub, name, self.cleaned_data[name])
        return hub


HubForm.base_fields = forms.fields_for_model(Hub, fields=HUB_FIELDS, widgets={"hub_type": forms.RadioSelect})
HubForm.base_fields["hub_type"].choices = Hub.Type.choices  # radio buttons: no blank "---------" choice


def error_summary(*forms_and_formsets) -> list[tuple[str, str, str]]:
    """(input id, label, message) of every field error, for the summary at the top of a page."""
    items = []
    for item in forms_and_formsets:
        for form in getattr(item, "forms", [item]):
            for field in form:
                items.extend((field.auto_id, field.label, error) for error in field.errors)
            items.extend(("", "", error) for error in form.non_field_errors())
    return items


class PeriodForm(forms.Form):
    """One opening period; a row left blank is ignored."""

    weekday = forms.TypedChoiceField(
        label=_("曜日"), choices=[("", "―"), *WeeklyHours.Weekday.choices], coerce=int, required=False
    )
    opens_at = forms.TimeField(label=_("開始時刻"), widget=TIME_WIDGET, required=False)
    closes_at = forms.TimeField(label=_("終了時刻"), widget=TIME_WIDGET, required=False)

    def clean(self) -> dict:
        data = super().clean()
        filled = [data.get(f) not in (None, "") for f in ("weekday", "opens_at", "closes_at")]
        if any(filled) and not all(filled):
            raise ValidationError(_("曜日・開始時刻・終了時刻をすべて入れてください（使わない行は空欄に）。"))
        return data


class StaffForm(forms.Form):
    name = forms.CharField(label=_("氏名"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=_("区分"), choices=[("", "―"), *HubStaffMember.Kind.choices], required=False
    )

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("name")) != bool(data.get("kind")):
            raise ValidationError(_("氏名と区分を両方入れてください（使わない行は空欄に）。"))
        return data


# One blank row to fill; more rows come from 「行を追加」 (a submit button, so it works without
# JavaScript; hubs/formset_rows.js adds a row in place when scripts run). Rows are removed by ticking
# 削除 (a button when scripts run).
PeriodFormSet = forms.formset_factory(PeriodForm, extra=1, can_delete=True)
StaffFormSet = forms.formset_factory(StaffForm, extra=1, can_delete=True)
ADD_ROW = {"hours": "add_hours_row", "staff": "add_staff_row"}  # formset prefix -> submit button name


def _kept(formset) -> list:
    return [f for f in formset if f not in formset.deleted_forms]


def periods_from(formset) -> list[rules.Period]:
    return [
        rules.Period(f.cleaned_data["weekday"], f.cleaned_data["opens_at"], f.cleaned_data["closes_at"])
        for f in _kept(formset)
        if f.cleaned_data.get("weekday") not in (None, "")
    ]


def staff_from(formset) -> list[tuple[str, str]]:
    return [
        (f.cleaned_data["name"], f.cleaned_data["kind"]) for f in _kept(formset) if f.cleaned_data.get("name")
    ]


def schedule_formsets(data=None, hub: Hub | None = None) -> tuple:
    """The opening-hours and staff formsets, prefilled from a hub, with a blank row to add."""
    hours_initial, staff_initial = [], []
    # Initial values only for the blank page: compared with posted data they would make unchanged
    # rows count as empty.
    if hub is not None and data is None:
        hours_initial = [
            {"weekday": p.weekday, "opens_at": p.opens_at, "closes_at": p.closes_at} for p in hub.periods()
        ]
        staff_initial = [{"name": m.name, "kind": m.kind} for m in hub.staff.all()]
    return (
        PeriodFormSet(data, prefix="hours", initial=hours_initial),
        StaffFormSet(data, prefix="staff", initial=staff_initial),
    )


def row_added(data) -> object | None:
    """When 「行を追加」 was pressed: the posted data with one more row in that formset, else None.

    The page is shown again with everything typed and no validation (nothing is saved)."""
    for prefix, button in ADD_ROW.items():
        if button in data:
            data = data.copy()
            key = f"{prefix}-TOTAL_FORMS"
            try:
                data[key] = str(min(int(data.get(key, 0)) + 1, PeriodFormSet.max_num))
            except ValueError:
                data[key] = "1"
            return data
    return None


def as_typed(form_or_formset):
    """Show a bound form or formset again without validating it (no error messages for rows being
    filled in): its errors are those of an untouched form."""
    for form in getattr(form_or_formset, "forms", [form_or_formset]):
        form._errors = forms.utils.ErrorDict()  # a bound form with an empty error dict renders as typed
    if hasattr(form_or_formset, "forms"):
        form_or_formset._non_form_errors = form_or_formset.error_class()
    return form_or_formset


class PopupDatesForm(forms.Form):
    """出張ひろばの日付: the dates (one a line) and the hours of each date."""

    dates = forms.CharField(
        label=_("開設日"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("1行に1日、年-月-日（例: 2026-05-12）で入れてください。"),
    )
    opens_at = forms.TimeField(label=_("開始時刻"), widget=TIME_WIDGET)
    closes_at = forms.TimeField(label=_("終了時刻"), widget=TIME_WIDGET)

    def clean_dates(self) -> list[dt.date]:
        dates = []
        for line in self.cleaned_data["dates"].split():
            try:
                dates.append(dt.date.fromisoformat(line.strip()))
            except ValueError:
                raise ValidationError(
                    _("「%(value)s」は日付として読めません。年-月-日（例: 2026-05-12）で入れてください。"),
                    params={"value": line[:20]},
                ) from None
        return dates

    def days(self) -> list[rules.PopupDay]:
        data = self.cleaned_data
        return [rules.PopupDay(d, data["opens_at"], data["closes_at"]) for d in data["dates"]]


class PopupForm(PopupDatesForm):
    """出張ひろば: the place, then its dates and hours."""

    location = forms.ModelChoiceField(label=_("場所"), queryset=Location.objects.all())
    field_order = ["location", "dates", "opens_at", "closes_at"]


class PopupDateForm(forms.Form):
    """One 出張ひろば date moved or its hours changed; the reason goes to the booked parents."""

    date = forms.DateField(label=_("日付"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    opens_at = forms.TimeField(label=_("開始時刻"), widget=TIME_WIDGET)
    closes_at = forms.TimeField(label=_("終了時刻"), widget=TIME_WIDGET)
    reason = forms.CharField(
        label=_("変更の理由"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("予約した方へのお知らせに載ります。"),
    )

    def day(self) -> rules.PopupDay:
        data = self.cleaned_data
        return rules.PopupDay(data["date"], data["opens_at"], data["closes_at"])


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("取り下げの理由"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("予約した方へのお知らせに載ります。"),
    )


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("変更後の状態"))
    reason = forms.CharField(
        label=_("理由"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("休止・廃止・申請中に戻すときは必須です。"),
    )

    def __init__(self, *args, hub: Hub, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, Hub.Status(s).label) for s in Hub.TRANSITIONS[hub.status]]


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("対象月"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class ReportForm(forms.ModelForm):
    """The month's counts, grouped as ``MonthlyReport.GROUPS`` declares them, and a note."""

    class Meta:
        model = MonthlyReport
        fields = [*MonthlyReport.count_fields(), "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in MonthlyReport.count_fields():
            self.fields[name].widget.attrs.update({"min": 0, "inputmode": "numeric"})

    def fieldsets(self) -> list[tuple[str, list]]:
        """(legend, bound fields) per group; the note comes last on its own."""
        return [(group.title, [self[name] for name in group.fields]) for group in MonthlyReport.GROUPS]


class DecisionForm(forms.Form):
    """Accept, or return/decline with a comment."""

    decision = forms.ChoiceField(label=_("判断"), widget=forms.RadioSelect)
    comment = forms.CharField(label=_("コメント"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, accept_label, reject_label, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [("accept", accept_label), ("reject", reject_label)]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("comment", "").strip():
            self.add_error("comment", _("理由をコメントに入れてください。"))
        return data
