from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from harken.accounts.access import staff
from harken.accounts.models import User
from harken.customers.models import Company, Person
from harken.lib.errors import NotFound


def access_company(user: User | AnonymousUser, company_id: int) -> Company:
    """Companies, with their ARR, are for staff only."""
    staff(user)
    company = Company.objects.select_related("account_owner", "csm").filter(pk=company_id).first()
    if company is None:
        raise NotFound("company")
    return company


def access_person(user: User | AnonymousUser, person_id: int) -> Person:
    staff(user)
    person = Person.objects.select_related("company").filter(pk=person_id).first()
    if person is None:
        raise NotFound("person")
    return person
