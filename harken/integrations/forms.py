from __future__ import annotations

from django import forms

from harken.integrations.models import ImportKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=ImportKind.choices,
        initial=ImportKind.NOTES,
        widget=forms.RadioSelect,
    )
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8, comma- or semicolon-separated, with a header row.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )
