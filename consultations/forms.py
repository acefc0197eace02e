from __future__ import annotations

from django import forms
from django.apps import apps
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consultations import selectors
from consultations.models import (
    Action,
    Case,
    Channel,
    Child,
    ConsultationRequest,
    CooperationActivity,
    Guardian,
    Need,
    Referral,
    UserSupportSite,
)
from facilities.models import Area, Service
from portal import dates
from portal.dates import DateRangeField
from portal.i18n import localized
from portal.models import AuditEntry, Role, User


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class NeedChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(queryset=Need.objects.filter(is_active=True), **kwargs)


class ReferralServiceField(forms.ModelChoiceField):
    """紹介先: only active directory entries are offered; an ended one posted anyway gets a message."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=selectors.referral_services(),
            required=False,
            label=_("紹介先"),
            empty_label=_("（紹介なし）"),
            error_messages={
                "invalid_choice": _("この紹介先は現在実施していないか、見つかりません。選び直してください。")
            },
            **kwargs,
        )

    def label_from_instance(self, obj: Service) -> str:
        return f"{obj.name}（{obj.category.name}）"


class ContactLogForm(forms.Form):
    """相談を記録: the one-screen form for a walk-in or phone consultation."""

    # New household (ignored when logging into an existing case).
    guardian_name = forms.CharField(label=_("保護者の氏名"), max_length=100, required=False)
    guardian_kana = forms.CharField(label=_("よみがな"), max_length=100, required=False)
    phone = forms.CharField(
        label=_("電話番号"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.EmailField(label=_("メールアドレス"), required=False)
    child_name = forms.CharField(label=_("子どもの名前"), max_length=100, required=False)
    child_birth_date = DateRangeField(
        date_range=dates.BIRTH, label=_("子どもの生年月日"), required=False, widget=DateInput
    )
    due_date = DateRangeField(
        date_range=dates.DUE, label=_("出産予定日（妊娠中の場合）"), required=False, widget=DateInput
    )
    area = forms.ModelChoiceField(
        label=_("地区"), queryset=Area.objects.all(), required=False, empty_label=_("（不明）")
    )

    contacted_at = forms.DateTimeField(label=_("相談日時"), widget=DateTimeInput)
    channel = forms.ChoiceField(
        label=_("方法"), choices=Channel.choices, widget=forms.RadioSelect, initial=Channel.WALK_IN
    )
    needs = NeedChoiceField(
        label=_("ニーズ"), error_messages={"required": _("ニーズを1つ以上選んでください。")}
    )
    actions = forms.MultipleChoiceField(
        label=_("対応内容"), choices=Action.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    notes = forms.CharField(label=_("記録"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    referral_query = forms.CharField(
        label=_("紹介先を検索"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    referral_service = ReferralServiceField()
    no_suitable_service = forms.BooleanField(
        label=_("適切なサービスがない（社会資源の開発として記録）"), required=False
    )
    referral_need = forms.ModelChoiceField(
        label=_("紹介・不足のニーズ"),
        queryset=Need.objects.filter(is_active=True),
        required=False,
        empty_label=_("（選んだニーズの最初のもの）"),
    )

    follow_up_due_on = DateRangeField(
        date_range=dates.FOLLOW_UP, label=_("フォローアップの期日"), required=False, widget=DateInput
    )
    follow_up_description = forms.CharField(label=_("フォローアップの内容"), max_length=300, required=False)
    # 「このまま保存」: the specialist looked at the possible duplicates and this is another family.
    save_anyway = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, case: Case | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        if case is None:
            self.fields["guardian_name"].required = True
            self.fields["guardian_name"].error_messages["required"] = _(
                "新しい世帯の保護者の氏名を入れてください。"
            )
            # The live duplicate hint (htmx); without JavaScript the same check runs on save.
            hint = {
                "data-hx-get": reverse("consultations:duplicates"),
                "data-hx-trigger": "input changed delay:400ms",
                "data-hx-target": "#duplicates",
                "data-hx-include": "[name=guardian_name],[name=guardian_kana],[name=phone]",
                "autocomplete": "off",
            }
            for name in ("guardian_name", "guardian_kana", "phone"):
                self.fields[name].widget.attrs.update(hint)
        else:
            for name in (
                "guardian_name",
                "guardian_kana",
                "phone",
                "email",
                "child_name",
                "child_birth_date",
                "due_date",
                "area",
                "save_anyway",
            ):
                del self.fields[name]
        if not self.is_bound:
            self.initial.setdefault("contacted_at", timezone.localtime().replace(second=0, microsecond=0))

    def clean_contacted_at(self):
        value = self.cleaned_data["contacted_at"]
        if message := dates.past_moment_error(value):
            raise forms.ValidationError(message)
        return value

    def clean(self):
        data = super().clean()
        if self.case is None and data.get("child_name") and not data.get("child_birth_date"):
            self.add_error("child_birth_date", _("子どもの生年月日を入れてください。"))
        return data


class CaseForm(forms.ModelForm):
    """ケース情報: area, pregnancy, the parent's portal account and the booking consent (代理予約の同意)."""

    parent_email = forms.EmailField(
        label=_("ポータルのアカウント（メールアドレス）"),
        required=False,
        help_text=_("保護者がポータルに登録している場合。代理予約に使います。"),
    )

    class Meta:
        model = Case
        fields = ["area", "due_date", "booking_consent_on"]
        widgets = {"due_date": DateInput, "booking_consent_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.parent_account_id:
            self.initial["parent_email"] = self.instance.parent_account.email

    def clean_parent_email(self):
        email = self.cleaned_data.get("parent_email")
        if not email:
            self.instance.parent_account = None
            return email
        account = User.objects.filter(email__iexact=email, role=Role.PARENT, is_active=True).first()
        if account is None:
            raise forms.ValidationError(_("このメールアドレスの保護者アカウントは見つかりません。"))
        self.instance.parent_account = account
        return email


GuardianFormSet = forms.inlineformset_factory(
    Case,
    Guardian,
    fields=["name", "name_kana", "phone", "email"],
    extra=1,
    can_delete=False,
    min_num=1,
    validate_min=True,
)
ChildFormSet = forms.inlineformset_factory(
    Case, Child, fields=["name", "birth_date"], extra=1, can_delete=False, widgets={"birth_date": DateInput}
)


class CloseCaseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("終結の理由"),
        # 統合 is the merge's own closing, never chosen by hand.
        choices=[(v, label) for v, label in Case.ClosingReason.choices if v != Case.ClosingReason.MERGED],
    )
    closed_on = DateRangeField(date_range=dates.PAST, label=_("終結日"), widget=DateInput, required=False)


class MergeForm(forms.Form):
    """世帯の統合: the number of the duplicate case whose records move into this one."""

    source = forms.IntegerField(
        label=_("統合するケースの番号"),
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "同じ世帯として二重に受け付けたケースの番号。そのケースの記録はすべてこのケースに移ります。"
        ),
    )
    confirm = forms.BooleanField(label=_("統合すると元に戻せないことを確認しました"))


class ReferralForm(forms.Form):
    need = forms.ModelChoiceField(label=_("ニーズ"), queryset=Need.objects.filter(is_active=True))
    service = ReferralServiceField()
    no_suitable_service = forms.BooleanField(
        label=_("適切なサービスがない（社会資源の開発として記録）"), required=False
    )
    referred_on = DateRangeField(date_range=dates.PAST, label=_("紹介日"), widget=DateInput)
    note = forms.CharField(label=_("メモ"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if "service" in data and not data.get("service") and not data.get("no_suitable_service"):
            self.add_error("service", _("紹介先を選ぶか、「適切なサービスがない」にチェックしてください。"))
        if data.get("service") and data.get("no_suitable_service"):
            self.add_error(
                "service",
                _("紹介先を選ぶか「適切なサービスがない」にチェックするか、どちらか一方にしてください。"),
            )
        return data


class ReferralOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("結果"),
        choices=[(v, label) for v, label in Referral.Outcome.choices if v != Referral.Outcome.NO_SERVICE],
    )
    outcome_on = DateRangeField(date_range=dates.PAST, label=_("確認日"), widget=DateInput, required=False)


class FollowUpForm(forms.Form):
    due_on = DateRangeField(date_range=dates.FOLLOW_UP, label=_("期日"), widget=DateInput)
    description = forms.CharField(label=_("内容"), max_length=300)
    # Left out, the follow-up goes to whoever adds it.
    assignee = forms.ModelChoiceField(
        label=_("担当者"), queryset=User.objects.none(), empty_label=None, required=False
    )

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = site_specialists(site)


class FollowUpAssignForm(forms.Form):
    """担当を変更: hand an open follow-up to another specialist of the site."""

    assignee = forms.ModelChoiceField(label=_("担当者"), queryset=User.objects.none(), empty_label=None)

    def __init__(self, *args, site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = site_specialists(site)


def site_specialists(site) -> QuerySet[User]:
    """Who can be given a follow-up: the active specialists of the site."""
    return User.objects.filter(specialist__site=site, is_active=True).order_by("email")


class CooperationActivityForm(forms.ModelForm):
    class Meta:
        model = CooperationActivity
        fields = ["held_on", "partners", "topic", "outcome"]
        widgets = {"held_on": DateInput, "outcome": forms.Textarea(attrs={"rows": 3})}


class ReportFilterForm(forms.Form):
    month = forms.DateField(
        label=_("年月"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    site = forms.ModelChoiceField(label=_("実施場所"), queryset=None, required=False, empty_label=_("市全体"))

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is None:
            del self.fields["site"]
        else:
            self.fields["site"].queryset = sites

    def clean_month(self):
        # A month of records: from 2000 to this month (year 1 or 9999 would overflow the month's bounds).
        month = self.cleaned_data["month"]
        if message := dates.PAST.error(month):
            raise forms.ValidationError(message)
        return month


class SiteChoiceForm(forms.Form):
    site = forms.ModelChoiceField(label=_("実施場所"), queryset=None, empty_label=None)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


# The records the audit log names, for its filter (each app records through ``portal.audit``).
AUDITED_MODELS = [
    "consultations.case",
    "consultations.referral",
    "consultations.followup",
    "consultations.usersupportsite",
    "bookings.session",
    "bookings.booking",
    "bookings.child",
    "hubs.hub",
    "hubs.popupplaza",
]


class AuditFilterForm(forms.Form):
    by = forms.CharField(label=_("操作した人（メール）"), required=False)
    case = forms.IntegerField(label=_("ケース番号"), required=False, min_value=1)
    action = forms.ChoiceField(label=_("操作"), required=False)
    target_type = forms.ChoiceField(label=_("記録の種類"), required=False)
    # Bounded (portal.dates): the log starts with the portal, and 9999-12-31 plus the day the filter
    # adds would overflow.
    date_from = DateRangeField(date_range=dates.PAST, label=_("開始日"), required=False, widget=DateInput)
    date_to = DateRangeField(date_range=dates.PAST, label=_("終了日"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("すべて"))] + list(AuditEntry.Action.choices)
        self.fields["target_type"].choices = [("", _("すべて"))] + [
            (label, apps.get_model(label)._meta.verbose_name) for label in AUDITED_MODELS
        ]


class BookingForm(forms.Form):
    """代理予約: which session of the referred service, for which of the parent's children."""

    session = forms.ModelChoiceField(label=_("回"), queryset=None, widget=forms.RadioSelect, empty_label=None)
    child = forms.ModelChoiceField(
        label=_("お子さん"), queryset=None, widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, sessions, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = _session_label
        self.fields["child"].queryset = children


def _session_label(session) -> str:
    start = timezone.localtime(session.starts_at)
    return _("%(title)s %(start)s（残り%(seats)s席）") % {
        "title": session.display_title,
        "start": f"{start:%Y-%m-%d %H:%M}",
        "seats": getattr(session, "seats_left", "-"),
    }


class SiteChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: UserSupportSite) -> str:
        return localized(obj.service)


class ConsultationRequestForm(forms.Form):
    """相談の申し込み (parent-facing): no child profile is needed, only the worry and a way to reach them."""

    site = SiteChoiceField(
        label=_("相談先"),
        queryset=UserSupportSite.objects.filter(
            service__in=Service.objects.visible_to_parents()
        ).select_related("service"),
        empty_label=None,
    )
    worry = forms.CharField(
        label=_("相談したいこと"),
        max_length=ConsultationRequest._meta.get_field("worry").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("短くてかまいません（400字まで）。お子さんの名前などは書かなくても大丈夫です。"),
    )
    contact_by = forms.ChoiceField(
        label=_("連絡の方法"),
        choices=ConsultationRequest._meta.get_field("contact_by").choices,
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(
        label=_("電話番号"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("電話での連絡を希望するときは必ず入れてください。"),
    )
    consent = forms.BooleanField(
        label=_("この内容を、選んだ相談先の利用者支援専門員に伝えることに同意します。"), required=True
    )
