"""People and companies for many notes at once (CSV import, the API's batch endpoint).

Set-based versions of `company_for_domain` and `do_upsert_person`: a few queries for a whole
batch instead of a few per note, with the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from harken.customers.actions import FREEMAIL
from harken.customers.models import Company, CompanyDomain, Person
from harken.lib.inserts import insert_new

# email -> (person id, company id)
PeopleIds = dict[str, tuple[int, int | None]]


def company_ids_for_domains(domains: Iterable[str]) -> dict[str, int]:
    """{domain: company id} for the domains some company has (primary or extra)."""
    wanted = list(set(domains))
    if not wanted:
        return {}
    found = dict(Company.objects.filter(domain__in=wanted).values_list("domain", "id"))
    for domain, company_id in CompanyDomain.objects.filter(domain__in=wanted).values_list(
        "domain", "company_id"
    ):
        found.setdefault(domain, company_id)
    return {d: c for d, c in found.items() if d is not None}


def fills(name: str, company_id: int | None, new_name: str, new_company: int | None) -> bool:
    """Whether a stored person with this name and company gains `new_name` or `new_company`:
    only where theirs is empty, as `do_upsert_person` does."""
    return bool(new_name and not name) or (company_id is None and new_company is not None)


def people_for_emails(wanted: dict[str, tuple[str, int | None]]) -> tuple[PeopleIds, list[str]]:
    """Make sure each email in `wanted` ({email: (name, company id)}) is a person.

    Emails must be normalized (stripped, lower case). A new person's company is the one given,
    else the company of the email's domain (never a free-mail provider's). An existing person
    gains a name or company only where theirs is empty, as `do_upsert_person` does. Answers
    {email: (person id, company id)} and the emails of the people this call created: not
    those a concurrent writer created in the meantime, which it neither counts nor audits.
    """
    people: PeopleIds = {}
    if not wanted:
        return people, []
    existing = Person.objects.filter(email__in=list(wanted)).values_list(
        "email", "id", "name", "company_id"
    )
    fill: list[Person] = []
    for address, person_id, name, current in existing:
        new_name, new_company = wanted[address]
        company_id = current or new_company
        if fills(name, current, new_name, new_company):
            fill.append(Person(id=person_id, name=name or new_name[:200], company_id=company_id))
        people[address] = (person_id, company_id)
    if fill:
        Person.objects.bulk_update(fill, ["name", "company"])
    create = {e: v for e, v in wanted.items() if e not in people}
    if not create:
        return people, []
    domains = company_ids_for_domains(
        e.rsplit("@", 1)[1] for e, (_, c) in create.items() if c is None
    )
    rows = []
    for address, (name, company_id) in create.items():
        domain = address.rsplit("@", 1)[1]
        if company_id is None and domain not in FREEMAIL:
            company_id = domains.get(domain)
        rows.append((address, name[:200], company_id))
    made: PeopleIds = {
        email: (pk, company)
        for email, pk, company in insert_new(
            Person,
            ("email", "name", "company_id"),
            rows,
            unique="email",
            returning=("email", "id", "company_id"),
        )
    }
    people.update(made)
    if len(made) < len(rows):
        # A concurrent writer stored some of the same people first: theirs stand.
        for address, person_id, company_id in Person.objects.filter(
            email__in=[e for e in create if e not in made]
        ).values_list("email", "id", "company_id"):
            people[address] = (person_id, company_id)
    return people, list(made)
