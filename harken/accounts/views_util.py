"""Small helpers the staff pages share: reading query parameters and showing action errors."""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from harken.lib.errors import ActionError

PAGE_SIZE = 50


def int_param(params: QueryDict, name: str, label: str | None = None) -> int | None:
    """An optional whole-number parameter; anything else is the user's mistake (400)."""
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ActionError(
            f"{label or name.capitalize()} must be a number, not {raw!r}.", field=name
        )
    return int(raw)


def bool_param(params: QueryDict, name: str) -> bool | None:
    raw = params.get(name, "").strip().lower()
    if not raw:
        return None
    if raw in ("yes", "true", "1"):
        return True
    if raw in ("no", "false", "0"):
        return False
    raise ActionError(f"{name.capitalize()} must be yes or no.", field=name)


def choice_param(params: QueryDict, name: str, choices: list[str], default: str) -> str:
    raw = params.get(name, "").strip() or default
    if raw not in choices:
        raise ActionError(f"{name.capitalize()} must be one of: {', '.join(choices)}.", field=name)
    return raw


def add_action_error(form: forms.Form, error: ActionError) -> None:
    """Show an action's 400 next to the field it names, or above the form; re-raise others."""
    if error.status != 400:
        raise error
    form.add_error(error.field if error.field in form.fields else None, error.message)


def first_error(form: forms.Form) -> str:
    """The form's first message, for the notice above a page that was sent back."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        message = str(errors[0])
        return message if field == "__all__" else f"{label or field.capitalize()}: {message}"
    return "Please check the form."
