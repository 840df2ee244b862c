"""Small helpers the staff pages share: reading query parameters and showing action errors."""

from __future__ import annotations

from django import forms

from harken.lib.errors import ActionError

PAGE_SIZE = 50


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
