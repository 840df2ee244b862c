"""File feedback for a customer: the experience-report form."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from harken.accounts.access import require_role
from harken.accounts.models import Role
from harken.customers.models import Company
from harken.inbox.actions import ingest_note
from harken.inbox.forms import FeedbackForm
from harken.lib.errors import ActionError
from harken.web.decorators import staff_page

# Fields of IncomingNote that the form shows under another name.
_FORM_FIELD = {"company_id": "company"}
WHY_HINT = "Start here: what were they trying to do when they asked?"


def _initial(request: HttpRequest) -> dict[str, str]:
    """Prefill from a link such as a company page's "file feedback for Acme"."""
    initial = {
        key: request.GET[key]
        for key in ("company", "person_email", "person_name", "title")
        if request.GET.get(key)
    }
    company_id = initial.get("company", "")
    if company_id.isdigit() and len(company_id) < 18:
        # Show the name, not the id, in the field the user sees.
        company = Company.objects.only("name").filter(pk=int(company_id)).first()
        initial["company"] = company.name if company else ""
    return initial


@staff_page
def feedback_new(request: HttpRequest) -> HttpResponse:
    user = require_role(request.user, Role.CONTRIBUTOR, "file feedback")
    if request.method != "POST":
        form = FeedbackForm(initial=_initial(request))
        return render(request, "inbox/feedback_form.html", {"form": form, "nav": "feedback"})
    form = FeedbackForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            note, _ = ingest_note(user, form.incoming())
        except ActionError as exc:
            if exc.status != 400:
                raise
            error = exc.message
            field = _FORM_FIELD.get(exc.field or "", exc.field)
            if field in form.fields:
                # The banner says it in full; beside the field, a pointer is enough.
                form.add_error(field, WHY_HINT if exc.code == "why_required" else exc.message)
        else:
            messages.success(
                request, f"Thanks! “{note.title}” is in the inbox; you will hear when it is read."
            )
            return redirect("note", pk=note.pk)
    else:
        error = "Please fix the fields marked below; nothing was saved yet."
    return render(
        request,
        "inbox/feedback_form.html",
        {"form": form, "nav": "feedback", "error": error},
        status=400,
    )
