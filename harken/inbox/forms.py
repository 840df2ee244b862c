"""The feedback form: a teammate files what a customer asked for, with the customer's why."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from harken.customers.models import Company
from harken.inbox.actions import IncomingNote
from harken.inbox.models import Note, Source
from harken.inbox.why import WHY_FIELDS

PRIORITY_ERROR = "How important it is to them is a number from 1 (barely) to 10 (a must)."
MAX_LINKS = 20

# Only the sources a person types in by hand; the channels fill in their own.
FORM_SOURCES = [
    (Source.MANUAL, "Something they told me"),
    (Source.SALES_CALL, "A sales call"),
]


def _text(label: str, help_text: str = "", rows: int = 3, placeholder: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "placeholder": placeholder}),
    )


def why_label(name: str) -> str:
    """The label of an experience-report field, as the model names it."""
    field = Note._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


class FeedbackForm(forms.Form):
    title = forms.CharField(
        max_length=300,
        label="What do they ask for?",
        help_text="A short title, in their words if you can.",
        widget=forms.TextInput(
            attrs={"placeholder": "Export the monthly board report as a PDF", "autofocus": True}
        ),
    )
    wanted_to_do = _text(
        why_label("wanted_to_do"), placeholder="Send the board a monthly usage report"
    )
    actually_did = _text(
        why_label("actually_did"), placeholder="Took screenshots of three dashboards"
    )
    why_not_great = _text(
        why_label("why_not_great"), placeholder="Two hours every month, and it looks amateur"
    )
    person_email = forms.EmailField(
        label="Their email",
        required=False,
        help_text="We find or create the person, and their company from the email's domain.",
        widget=forms.EmailInput(attrs={"placeholder": "jo@acme.com"}),
    )
    person_name = forms.CharField(label="Their name", max_length=200, required=False)
    # Typed with suggestions rather than a select: an installation may have tens of
    # thousands of companies. An id (from a company page's link) is accepted too.
    company = forms.CharField(
        required=False,
        max_length=200,
        label="Company",
        help_text="Leave empty to take it from the email's domain, or type its name.",
        widget=forms.TextInput(
            attrs={
                "list": "feedback-companies",
                "autocomplete": "off",
                "placeholder": "Acme Corp",
                "hx-get": "/inbox/companies/",
                "hx-vals": "js:{company_name: event.target.value}",
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#feedback-companies",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        ),
    )
    customer_priority = forms.IntegerField(
        label="How important is it to them? (1-10)",
        required=False,
        min_value=1,
        max_value=10,
        error_messages={
            "min_value": PRIORITY_ERROR,
            "max_value": PRIORITY_ERROR,
            "invalid": PRIORITY_ERROR,
        },
        widget=forms.NumberInput(attrs={"min": 1, "max": 10, "placeholder": "7"}),
    )
    links = _text(
        "Links to the CRM record or ticket",
        help_text="One web address per line.",
        rows=2,
        placeholder="https://crm.example.com/deals/4711",
    )
    why_interested = _text(why_label("why_interested"))
    problem = _text(why_label("problem"))
    workaround = _text(why_label("workaround"))
    impact = _text(why_label("impact"))
    body = _text(
        "Anything else",
        help_text="Call notes, quotes, context. Product managers can highlight passages of it.",
        rows=4,
    )
    tags = forms.CharField(
        label="Tags",
        required=False,
        help_text="Separated by commas.",
        widget=forms.TextInput(attrs={"placeholder": "reporting, enterprise"}),
    )
    source = forms.ChoiceField(label="Where did you hear it?", choices=FORM_SOURCES)
    confidential = forms.BooleanField(
        label="Confidential",
        required=False,
        help_text="Only product managers and you will see it.",
    )

    def clean_company(self) -> Company | None:
        typed = self.cleaned_data["company"].strip()
        if not typed:
            return None
        companies = Company.objects.only("id", "name")
        found = (
            companies.filter(pk=int(typed)).first()
            if typed.isdigit() and len(typed) < 18
            else companies.filter(name__iexact=typed).order_by("pk").first()
        )
        if found is None:
            raise ValidationError(
                f"No company is named “{typed}”: pick one of the suggestions, or leave it "
                "empty and give their email."
            )
        return found

    def clean_links(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines()]
        urls = [line for line in lines if line]
        if len(urls) > MAX_LINKS:
            raise ValidationError(f"At most {MAX_LINKS} links, please.")
        valid = URLValidator(schemes=["http", "https"])
        for url in urls:
            try:
                valid(url)
            except ValidationError:
                raise ValidationError(
                    f"“{url}” is not a web address: paste the full link, starting with https://."
                ) from None
        return urls

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def incoming(self) -> IncomingNote:
        """The cleaned form as the ingest funnel's input."""
        data = self.cleaned_data
        company = data.get("company")
        return IncomingNote(
            title=data["title"],
            body=data["body"],
            source=Source(data["source"]),
            person_email=data["person_email"] or None,
            person_name=data["person_name"].strip(),
            company_id=company.pk if company is not None else None,
            confidential=data["confidential"],
            tags=data["tags"],
            customer_priority=data["customer_priority"],
            links=data["links"],
            why={name: data[name] for name in WHY_FIELDS if data[name].strip()},
        )
