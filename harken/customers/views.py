"""Company pages: the list, who a company is and everything it asked for."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from harken.accounts.access import require_role, staff
from harken.accounts.models import Role
from harken.accounts.views_util import PAGE_SIZE, add_action_error, first_error
from harken.customers.access import access_company
from harken.customers.actions import (
    company_for_domain,
    do_add_company_domain,
    do_update_company,
    do_upsert_company,
)
from harken.customers.domains import normalize_domain
from harken.customers.forms import CompanyForm, DomainForm, NewCompanyForm
from harken.customers.models import Company
from harken.customers.queries import (
    COMPANY_SORTS,
    companies_list,
    company_asks,
    company_notes_page,
)
from harken.lib.errors import ActionError
from harken.web.decorators import staff_page
from harken.web.params import choice_param, page_param

SORT_LABELS = {"arr": "ARR", "name": "Name"}


@staff_page
@require_http_methods(["GET"])
def companies(request: HttpRequest) -> HttpResponse:
    """Every company, searchable by name or domain, sorted by ARR or name."""
    user = staff(request.user)
    q = request.GET.get("q", "").strip()[:200]
    sort = choice_param(request.GET, "sort", list(COMPANY_SORTS), "arr")
    page = Paginator(companies_list(q, sort), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/companies.html",
        {
            "nav": "companies",
            "page": page,
            "companies": list(page.object_list),
            "q": q,
            "sort": sort,
            "sorts": SORT_LABELS,
            "can_edit": user.has_role(Role.CONTRIBUTOR),
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def company_new(request: HttpRequest) -> HttpResponse:
    user = require_role(request.user, Role.CONTRIBUTOR, "create companies")
    form = NewCompanyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        try:
            domain = normalize_domain(fields.pop("domain"))
            # The action updates the company that has the domain; from this form that
            # would silently overwrite another account, so it is refused here.
            existing = company_for_domain(domain)
            if existing is not None:
                raise ActionError(
                    f"{existing.name} already has the domain {domain}: edit that company.",
                    field="domain",
                )
            company, _ = do_upsert_company(user, domain, fields)
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"Added {company.name}.")
            return redirect("company", pk=company.pk)
    return _form_page(request, form, None)


@staff_page
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_role(request.user, Role.CONTRIBUTOR, "change companies")
    company = access_company(user, pk)
    if request.method == "GET":
        return _form_page(request, CompanyForm(initial=CompanyForm.initial_for(company)), company)
    form = CompanyForm(request.POST)
    if form.is_valid():
        try:
            do_update_company(user, company, form.cleaned_data)
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"Saved {company.name}.")
            return redirect("company", pk=company.pk)
    return _form_page(request, form, access_company(user, pk))


def _form_page(request: HttpRequest, form: CompanyForm, company: Company | None) -> HttpResponse:
    refused = form.is_bound and not form.is_valid()
    return render(
        request,
        "customers/company_form.html",
        {
            "nav": "companies",
            "form": form,
            "company": company,
            "error": first_error(form) if refused else "",
        },
        status=400 if refused else 200,
    )


@staff_page
@require_http_methods(["GET"])
def company_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Who the company is, every feature it asked for, and its recent notes."""
    user = staff(request.user)
    company = access_company(user, pk)
    return _render_company(request, company)


def _render_company(
    request: HttpRequest, company: Company, domain_form: DomainForm | None = None
) -> HttpResponse:
    user = staff(request.user)
    cursor = request.GET.get("cursor") or None
    notes = company_notes_page(user, company, cursor)
    context: dict[str, Any] = {
        "nav": "companies",
        "company": company,
        "domains": list(company.extra_domains.order_by("domain")),
        "asks": company_asks(user, company, page_param(request.GET, "asks")),
        "notes": notes.items,
        "next_cursor": notes.next_cursor,
        "is_first_page": cursor is None,
        "can_edit": user.has_role(Role.CONTRIBUTOR),
        "domain_form": domain_form or DomainForm(),
        "error": first_error(domain_form) if domain_form is not None else "",
    }
    return render(request, "customers/company.html", context, status=400 if domain_form else 200)


@staff_page
@require_POST
def company_add_domain(request: HttpRequest, pk: int) -> HttpResponse:
    user = require_role(request.user, Role.CONTRIBUTOR, "change companies")
    company = access_company(user, pk)
    form = DomainForm(request.POST)
    if form.is_valid():
        try:
            extra = do_add_company_domain(user, company, form.cleaned_data["domain"])
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"Email from {extra.domain} now files under {company.name}.")
            return redirect("company", pk=company.pk)
    return _render_company(request, company, form)
