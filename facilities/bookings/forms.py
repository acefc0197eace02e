from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from facilities.bookings import kinds, selectors
from facilities.bookings.models import Child, Session
from facilities.models import Service, WeeklyHours
from portal import dates
from portal.dates import DateRangeField
from portal.models import User


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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The model's ranges, also on the date pickers (the model's clean() still decides).
        self.fields["birth_date"].widget.attrs.update(dates.BIRTH.widget_attrs())
        self.fields["due_date"].widget.attrs.update(dates.DUE_PROFILE.widget_attrs())


class ChildBirthForm(forms.Form):
    """出産の登録: the pregnancy profile becomes the child's."""

    nickname = forms.CharField(
        label=_("呼び名"), max_length=50, help_text=_("予約の名簿に出る呼び名です（例：たろう）。")
    )
    birth_date = DateRangeField(date_range=dates.BIRTH, label=_("生年月日"), widget=DateInput())


class BookForm(forms.Form):
    """どなたの予約ですか: one of the parent's children who may book ``session`` now; a child who
    may not is refused with the reason (``selectors.child_obstacle``: age, due date, kind, or an
    overlapping booking). ``services.booking_create`` asks again under its locks."""

    child = forms.ModelChoiceField(
        label=_("どなたの予約ですか"),
        queryset=Child.objects.none(),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("お子さんを選んでください。"),
            "invalid_choice": _("このお子さんは選べません。"),
        },
    )

    def __init__(self, *args, parent: User, session: Session, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["child"].queryset = parent.children.all()

    def clean_child(self) -> Child:
        child = self.cleaned_data["child"]
        if reason := selectors.child_obstacle(self.session, child):
            raise forms.ValidationError(reason)
        return child


class SessionForm(forms.Form):
    service = forms.ModelChoiceField(label=_("サービス"), queryset=Service.objects.none())
    kind = forms.ChoiceField(
        label=_("種類"), help_text=_("だれが予約できるか、「対象」の表示は種類で決まります。")
    )
    title = forms.CharField(
        label=_("内容"),
        max_length=100,
        required=False,
        help_text=_("例：ベビーマッサージ講座、一時預かり（午前）"),
    )
    date = forms.DateField(label=_("日付"), widget=DateInput())
    start_time = forms.TimeField(label=_("開始時刻"), widget=TimeInput())
    end_time = forms.TimeField(label=_("終了時刻"), widget=TimeInput())
    capacity = forms.IntegerField(label=_("定員"), min_value=1, max_value=500, required=False)
    place = forms.CharField(label=_("場所"), max_length=200, required=False, help_text=_("例：2階 会議室"))

    def __init__(self, *args, services, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        allowed = kinds.creatable_by(user.role)
        self.fields["kind"].choices = [(policy.value, policy.label) for policy in allowed]
        if all(policy.fixed_capacity is not None for policy in allowed):
            # Only kinds with a fixed number of seats (a specialist's 相談予約): nothing to ask.
            del self.fields["capacity"]
            self.fields["kind"].help_text = ""

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if date < timezone.localdate():
            raise forms.ValidationError(_("今日以降の日付を入れてください。"))
        return date

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("終了時刻は開始時刻より後にしてください。"))
        if data.get("date") and data.get("start_time"):
            starts_at = dt.datetime.combine(
                data["date"], data["start_time"], tzinfo=timezone.get_current_timezone()
            )
            if starts_at <= timezone.now():
                self.add_error("start_time", _("今日の回は、これから始まる時刻を入れてください。"))
        kind = data.get("kind")
        needs_capacity = kind and kinds.policy_for(kind).fixed_capacity is None
        if needs_capacity and "capacity" in self.fields and not data.get("capacity"):
            self.add_error("capacity", _("定員を入れてください。"))
        return data


class SeriesForm(SessionForm):
    date = None  # type: ignore[assignment]
    weekday = forms.TypedChoiceField(label=_("曜日"), choices=WeeklyHours.Weekday.choices, coerce=int)
    first_date = forms.DateField(label=_("期間の初日"), widget=DateInput())
    last_date = forms.DateField(label=_("期間の最終日"), widget=DateInput())
    field_order = [
        "service",
        "kind",
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
