"""Forms of the feature pages and of the area, status and tag settings: parsing only.

Every rule about what a valid feature, area or status is lives in `harken.features.actions`;
these forms turn posted text into the values the actions take.
"""

from __future__ import annotations

from typing import Any

from django import forms

from harken.accounts.forms import HarkenForm
from harken.accounts.models import Role, User
from harken.features.models import (
    Area,
    Effort,
    Feature,
    Release,
    Status,
    StatusCategory,
    Timeframe,
)
from harken.features.queries import area_tree

MISSING = {"invalid_choice": "That choice does not exist (any more): pick one from the list."}


class StatusChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({StatusCategory(obj.category).label})"


class AreaChoiceField(forms.ChoiceField):
    """Areas as an indented tree, read in one query; cleans to an Area or None."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.error_messages.update(MISSING)
        self.by_id: dict[str, Area] = {}

    def load(self, empty: str = "No area") -> None:
        tree = area_tree()
        self.by_id = {str(area.pk): area for area, _ in tree}
        self.choices = [("", empty)] + [
            (str(area.pk), "\u2003" * depth + area.name) for area, depth in tree
        ]

    def clean(self, value: Any) -> Area | None:
        value = super().clean(value)
        return self.by_id[value] if value else None


class FeatureNumberField(forms.IntegerField):
    """A feature by its number (#id); cleans to the Feature or None."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, min_value=1, **kwargs)

    def clean(self, value: Any) -> Feature | None:
        number = super().clean(value)
        if number is None:
            return None
        feature = Feature.objects.filter(pk=number).first()
        if feature is None:
            raise forms.ValidationError(f"There is no feature #{number}.")
        return feature


def tickets_from_text(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class FeatureDetailsForm(HarkenForm):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=20_000
    )
    area = AreaChoiceField()
    parent = FeatureNumberField(
        label="Parent feature #",
        help_text="The number of the feature this one is part of; empty for a top-level one.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        assert isinstance(area, AreaChoiceField)
        area.load()

    @staticmethod
    def initial_for(feature: Feature) -> dict[str, Any]:
        return {
            "title": feature.title,
            "description": feature.description,
            "area": feature.area_id or "",
            "parent": feature.parent_id,
        }


class FeaturePlanForm(HarkenForm):
    status = StatusChoiceField(
        queryset=Status.objects.order_by("position", "name"),
        empty_label=None,
        error_messages=MISSING,
    )
    effort = forms.ChoiceField(
        choices=[("", "Not estimated"), *Effort.choices], required=False, label="Effort (SWAG)"
    )
    timeframe = forms.ChoiceField(choices=Timeframe.choices, required=False)
    release = forms.ModelChoiceField(
        queryset=Release.objects.all(),
        required=False,
        empty_label="No release",
        error_messages=MISSING,
    )
    tickets = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://github.com/org/repo/1"}),
        label="Linked tickets",
        help_text="One web address per line.",
    )
    public = forms.BooleanField(
        required=False, label="Public", help_text="Shown on the portal and roadmap."
    )

    def clean_tickets(self) -> list[str]:
        return tickets_from_text(self.cleaned_data["tickets"])

    @staticmethod
    def initial_for(feature: Feature) -> dict[str, Any]:
        return {
            "status": feature.status_id,
            "effort": feature.effort,
            "timeframe": feature.timeframe,
            "release": feature.release_id,
            "tickets": "\n".join(feature.tickets),
            "public": feature.public,
        }


class NewFeatureForm(FeatureDetailsForm):
    status = StatusChoiceField(
        queryset=Status.objects.order_by("position", "name"),
        required=False,
        empty_label="Default status",
        error_messages=MISSING,
    )
    public = forms.BooleanField(
        required=False, label="Public", help_text="Shown on the portal and roadmap."
    )


# Settings (admins)


def owner_choices() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, role__in=[Role.MAKER, Role.ADMIN]).order_by(
            "username"
        ),
        required=False,
        empty_label="No owner",
        error_messages=MISSING,
    )


class AreaForm(HarkenForm):
    name = forms.CharField(max_length=120)
    parent = AreaChoiceField(label="Inside")
    owner = owner_choices()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, AreaChoiceField)
        parent.load(empty="Top level")


class StatusForm(HarkenForm):
    name = forms.CharField(max_length=60)
    category = forms.ChoiceField(choices=StatusCategory.choices)


class StatusEditForm(StatusForm):
    is_default = forms.BooleanField(required=False, label="Default for new features")


class TagForm(HarkenForm):
    name = forms.CharField(max_length=60)
