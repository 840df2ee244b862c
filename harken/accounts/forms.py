"""Forms of the user settings and API token pages: parsing only; rules live in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password

from harken.accounts.models import Role, TokenScope


class HarkenForm(forms.Form):
    """A form whose labels stand above their fields, without Django's trailing colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class NewUserForm(HarkenForm):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    role = forms.ChoiceField(choices=Role.choices, initial=Role.CONTRIBUTOR)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        help_text="Tell them to change it after their first sign-in.",
    )

    def clean(self) -> dict[str, object] | None:
        data = super().clean()
        password = self.cleaned_data.get("password")
        if password:
            try:
                validate_password(password)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class RoleForm(HarkenForm):
    role = forms.ChoiceField(choices=Role.choices)


class TokenForm(HarkenForm):
    name = forms.CharField(
        max_length=100, help_text="What uses it, e.g. “CRM sync” or “my laptop”."
    )
    scope = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        help_text="Read tokens can only look; write tokens act as you. Viewers get read only.",
    )
