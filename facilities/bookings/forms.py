from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.bookings.models import Child
from facilities.models import Service, WeeklyHours
from portal.models import Role, User


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class ChildForm(forms.ModelForm):
    class Meta:
        model = Child
        fields = ["nickname", "is_pregnancy", "birth_date", "due_date"]
        widgets = {"birth_date": DateInput(), "due_date": DateInput()}
        help_texts = {
            "nickname": _("予約の名簿に出る呼び名です（例：たろう）。"),
            "is_pregnancy": _(
                "妊娠中の方の講座などを予約するときは、ここにチェックを入れて出産予定日を入れてください。"
            ),
        }


class BookForm(forms.Form):
    child = forms.ModelChoiceField(
        label=_("どなたの予約ですか"),
        queryset=Child.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("お子さんを選んでください。"),
            "invalid_choice": _("このお子さんは選べません。"),
        },
    )

    def __init__(self, *args, parent: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].queryset = parent.children.all()


class SessionForm(forms.Form):
    service = forms.ModelChoiceField(label=_("サービス"), queryset=Service.objects.none())
    title = forms.CharField(
        label=_("内容"),
        max_length=100,
        required=False,
        help_text=_("例：ベビーマッサージ講座、一時預かり（午前）"),
    )
    date = forms.DateField(label=_("日付"), widget=DateInput())
    start_time = forms.TimeField(label=_("開始時刻"), widget=TimeInput())
    end_time = forms.TimeField(label=_("終了時刻"), widget=TimeInput())
    capacity = forms.IntegerField(label=_("定員"), min_value=1, max_value=500)
    place = forms.CharField(label=_("場所"), max_length=200, required=False, help_text=_("例：2階 会議室"))

    def __init__(self, *args, services, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        if user.role == Role.SPECIALIST:
            # A specialist's sessions are their own one-seat consultation appointments (相談予約).
            del self.fields["capacity"]

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if date <= timezone.localdate():
            raise forms.ValidationError(_("明日以降の日付を入れてください。"))
        return date

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("終了時刻は開始時刻より後にしてください。"))
        return data


class SeriesForm(SessionForm):
    date = None  # type: ignore[assignment]
    weekday = forms.TypedChoiceField(label=_("曜日"), choices=WeeklyHours.Weekday.choices, coerce=int)
    first_date = forms.DateField(label=_("期間の初日"), widget=DateInput())
    last_date = forms.DateField(label=_("期間の最終日"), widget=DateInput())
    field_order = [
        "service",
        "title",
        "weekday",
        "start_time",
        "end_time",
        "first_date",
        "last_date",
        "capacity",
        "place",
    ]

    def clean_first_date(self) -> dt.date:
        date = self.cleaned_data["first_date"]
        if date <= timezone.localdate():
            raise forms.ValidationError(_("明日以降の日付を入れてください。"))
        return date

    def clean(self) -> dict:
        data = super().clean()
        if data.get("first_date") and data.get("last_date") and data["last_date"] < data["first_date"]:
            self.add_error("last_date", _("最終日は初日より後の日付にしてください。"))
        return data


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("中止の理由"),
        max_length=200,
        help_text=_("予約した方へのメールに書かれます（例：台風の接近のため）。"),
        error_messages={"required": _("中止の理由を入れてください。")},
    )


class CapacityForm(forms.Form):
    capacity = forms.IntegerField(label=_("定員"), min_value=1, max_value=500)


class WalkInForm(forms.Form):
    name = forms.CharField(label=_("お名前（任意）"), max_length=100, required=False)


class AttendanceForm(forms.Form):
    attended = forms.TypedChoiceField(
        label=_("出欠"),
        choices=[("1", _("出席")), ("0", _("欠席")), ("", _("未記録"))],
        coerce=lambda value: {"1": True, "0": False}.get(value),
        empty_value=None,
        required=False,
    )
