"""Companies and people over the API: create or update by domain / email, list, read."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status, codes_4xx

from harken.accounts.access import access_teammate, staff
from harken.accounts.models import User
from harken.api.auth import actor
from harken.api.paging import offset_page
from harken.api.refs import api_field_names, resolve
from harken.api.schemas import ErrorOut, Id
from harken.customers.access import access_company, access_person
from harken.customers.actions import check_upsert_person, do_upsert_company
from harken.customers.models import Company, CompanyDomain, Person
from harken.customers.queries import companies_list, people_list
from harken.customers.schemas import (
    CompanyCreate,
    CompanyFilters,
    CompanyIn,
    CompanyOut,
    CompanyPage,
    PersonFilters,
    PersonIn,
    PersonOut,
    PersonPage,
)
from harken.lib.paging import Page

router = Router(tags=["customers"])

_USERS = {"account_owner_id": "account_owner", "csm_id": "csm"}


def load_company(user: User, company_id: int) -> Company:
    company = access_company(user, company_id)
    prefetch_related_objects(
        [company], Prefetch("extra_domains", queryset=CompanyDomain.objects.order_by("domain"))
    )
    return company


def _upsert(user: User, domain: str, payload: CompanyIn) -> Status[Company]:
    fields: dict[str, Any] = {}
    for name, value in payload.model_dump(exclude_unset=True).items():
        if name in _USERS:
            fields[_USERS[name]] = resolve(access_teammate, user, value, name, "user")
        elif name != "domain":
            fields[name] = value
    with api_field_names({v: k for k, v in _USERS.items()}):
        company, created = do_upsert_company(user, domain, fields)
    return Status(201 if created else 200, load_company(user, company.pk))


@router.get("/companies", response={200: CompanyPage, codes_4xx: ErrorOut})
def list_companies(request: HttpRequest, filters: Query[CompanyFilters]) -> Page[Company]:
    """Companies, largest ARR first (or by name), filtered by text in the name or a domain."""
    staff(actor(request))
    return offset_page(companies_list(filters.q, filters.sort), filters.cursor, filters.limit)


@router.post("/companies", response={200: CompanyOut, 201: CompanyOut, codes_4xx: ErrorOut})
def create_company(request: HttpRequest, payload: CompanyCreate) -> Status[Company]:
    """Create the company with this domain (201), or update the one that has it (200)."""
    return _upsert(actor(request), payload.domain, payload)


@router.put(
    "/companies/by-domain/{domain}",
    response={200: CompanyOut, 201: CompanyOut, codes_4xx: ErrorOut},
)
def put_company(request: HttpRequest, domain: str, payload: CompanyIn) -> Status[Company]:
    """Create (201) or update (200) the company with this domain: the CRM sync endpoint."""
    return _upsert(actor(request), domain, payload)


@router.get("/companies/{company_id}", response={200: CompanyOut, codes_4xx: ErrorOut})
def get_company(request: HttpRequest, company_id: Id) -> Company:
    return load_company(actor(request), company_id)


@router.get("/people", response={200: PersonPage, codes_4xx: ErrorOut})
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> Page[Person]:
    staff(actor(request))
    people = people_list(filters.q, filters.company)
    return offset_page(people, filters.cursor, filters.limit)


@router.post("/people", response={200: PersonOut, 201: PersonOut, codes_4xx: ErrorOut})
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    """Add a person (201), or answer the one with this email (200)."""
    user = actor(request)
    company = resolve(access_company, user, payload.company_id, "company_id", "company")
    person, created = check_upsert_person(user, payload.email, payload.name, company)
    return Status(201 if created else 200, access_person(user, person.pk))


@router.get("/people/{person_id}", response={200: PersonOut, codes_4xx: ErrorOut})
def get_person(request: HttpRequest, person_id: Id) -> Person:
    return access_person(actor(request), person_id)
