"""Forms of the company pages: parsing only; the rules live in `harken.customers.actions`."""

from __future__ import annotations

from typing import Any

from django import forms

from harken.accounts.forms import HarkenForm
from harken.accounts.models import User
from harken.customers.models import Company, Deployment

MISSING = {"invalid_choice": "That person does not exist (any more): pick one from the list."}


def _people() -> forms.ModelChoiceField:  # type: ignore[type-arg]
    return forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        empty_label="Nobody",
        error_messages=MISSING,
    )


class CompanyForm(HarkenForm):
    name = forms.CharField(max_length=200)
    arr = forms.IntegerField(
        label="ARR", min_value=0, max_value=10**15, initial=0, help_text="Annual recurring revenue."
    )
    plan = forms.CharField(max_length=64, required=False)
    deployment = forms.ChoiceField(choices=Deployment.choices, initial=Deployment.SAAS)
    segments = forms.CharField(
        required=False, max_length=1000, help_text="Comma-separated, e.g. EMEA, fintech."
    )
    account_owner = _people()
    csm = _people()
    crm_url = forms.URLField(
        label="CRM link", max_length=500, required=False, assume_scheme="https"
    )
    advisory_board = forms.BooleanField(required=False, label="Customer advisory board member")

    def clean_segments(self) -> list[str]:
        raw = self.cleaned_data["segments"]
        seen: dict[str, str] = {}
        for part in raw.split(","):
            if part.strip():
                seen.setdefault(part.strip().lower(), part.strip()[:60])
        return list(seen.values())

    @staticmethod
    def initial_for(company: Company) -> dict[str, Any]:
        return {
            "name": company.name,
            "arr": company.arr,
            "plan": company.plan,
            "deployment": company.deployment,
            "segments": ", ".join(company.segments or []),
            "account_owner": company.account_owner_id,
            "csm": company.csm_id,
            "crm_url": company.crm_url,
            "advisory_board": company.advisory_board,
        }


class NewCompanyForm(CompanyForm):
    domain = forms.CharField(
        max_length=253, help_text="Their web domain: email from it is filed under this company."
    )
    field_order = ["name", "domain"]


class DomainForm(HarkenForm):
    domain = forms.CharField(max_length=253, label="Another domain")
