from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from harken.accounts.access import staff
from harken.accounts.models import User
from harken.customers.models import Company, Person
from harken.lib.errors import NotFound


def access_company(user: User | AnonymousUser, company_id: int) -> Company:
    """Companies, with their ARR, are for staff only."""
    staff(user)
    try:
        # get(), not first(): first() would sort its one row by the key for nothing.
        return Company.objects.select_related("account_owner", "csm").get(pk=company_id)
    except Company.DoesNotExist:
        raise NotFound("company") from None


def access_person(user: User | AnonymousUser, person_id: int) -> Person:
    staff(user)
    person = Person.objects.select_related("company").filter(pk=person_id).first()
    if person is None:
        raise NotFound("person")
    return person
