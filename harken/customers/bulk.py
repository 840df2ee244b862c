"""People and companies for many notes at once (CSV import, the API's batch endpoint).

Set-based versions of `company_for_domain` and `do_upsert_person`: a few queries for a whole
batch instead of a few per note, with the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from harken.customers.actions import FREEMAIL
from harken.customers.models import Company, CompanyDomain, Person

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
    made = insert_people(rows)
    people.update(made)
    if len(made) < len(rows):
        # A concurrent writer stored some of the same people first: theirs stand.
        for address, person_id, company_id in Person.objects.filter(
            email__in=[e for e in create if e not in made]
        ).values_list("email", "id", "company_id"):
            people[address] = (person_id, company_id)
    return people, list(made)


def insert_people(rows: list[tuple[str, str, int | None]]) -> PeopleIds:
    """Store new people from (email, name, company id) rows: {email: (person id, company id)}
    of those stored, leaving out any email a concurrent writer stored first."""
    made: PeopleIds = {}
    quote = connection.ops.quote_name
    column = {f.name: quote(str(f.column)) for f in Person._meta.concrete_fields}
    columns = ", ".join(column[name] for name in ("email", "name", "company", "created_at"))
    now = Person._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    with connection.cursor() as cursor:
        # 500 rows of 4 values stay well under SQLite's limit of bound parameters.
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            cursor.execute(
                # Names come from the model's meta, quoted; the values are bound.
                f"INSERT INTO {quote(Person._meta.db_table)} ({columns}) "  # noqa: S608
                f"VALUES {', '.join(['(%s, %s, %s, %s)'] * len(chunk))} "
                f"ON CONFLICT ({column['email']}) DO NOTHING "
                f"RETURNING {column['email']}, {column['id']}, {column['company']}",
                [value for row in chunk for value in (*row, now)],
            )
            made.update((email, (pk, company)) for email, pk, company in cursor.fetchall())
    return made
