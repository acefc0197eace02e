"""Account forms (アカウント): sign-up extras and the account page; how every app's form shows a
service's refusal (``add_validation_errors``)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.models import User


def add_validation_errors(form: forms.Form, error: ValidationError, *, all_on_top: bool = False) -> None:
    """A service's ValidationError on the form that asked for the change: each field's errors on that
    field, the rest (and everything when ``all_on_top``) above the form. The form keeps what was typed."""
    if all_on_top or not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for field, errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


DISPLAY_NAME_HELP = _("メールや画面で、この名前でお呼びします（ニックネームでもかまいません）。")


class SignupForm(forms.Form):
    """Fields allauth's sign-up adds to its own (ACCOUNT_SIGNUP_FORM_CLASS): how to address the person."""

    display_name = forms.CharField(
        label=_("お名前（呼び名）"),
        max_length=User._meta.get_field("display_name").max_length,
        help_text=DISPLAY_NAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )

    def signup(self, request, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"].strip()
        user.save(update_fields=["display_name"])


class AccountForm(forms.ModelForm):
    """アカウント設定: the name mails use, their language, and whether reminders are sent."""

    language = forms.ChoiceField(
        label=_("メールの言語"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )

    class Meta:
        model = User
        fields = ["display_name", "language", "reminder_mails"]
        labels = {
            "display_name": _("お名前（呼び名）"),
            "reminder_mails": _("予約の前日にリマインダーメールを受け取る"),
        }
        help_texts = {"display_name": DISPLAY_NAME_HELP}

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("お名前（呼び名）を入れてください。"))
        return name


class AccountDeleteForm(forms.Form):
    """退会の確認: the person types their e-mail address, so a stray tap deletes nothing."""

    email = forms.EmailField(label=_("確認のため、メールアドレスを入れてください"))

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email.strip().lower() != self.user.email.lower():
            raise forms.ValidationError(_("このアカウントのメールアドレスと一致しません。"))
        return email
