"""People and companies for a batch of imported notes, found or created in a few queries."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.functions import Lower

from harken.customers.actions import FREEMAIL
from harken.customers.models import Company, CompanyDomain, Person
from harken.integrations.bulk import insert_rows


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


class Resolver:
    """Caches what it looked up across batches; `reset` after a rolled-back batch."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.by_domain: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        # email -> (person id, company id)
        self.people: dict[str, tuple[int, int | None]] = {}
        self.made = {"companies": 0, "people": 0}

    def companies_for_domains(self, names: dict[str, str]) -> None:
        """Make sure each domain in `names` ({domain: company name}) has a company."""
        missing = {d: n for d, n in names.items() if d not in self.by_domain}
        if not missing:
            return
        self.by_domain.update(company_ids_for_domains(missing))
        new = [
            Company(name=(name or domain)[:200], domain=domain)
            for domain, name in missing.items()
            if domain not in self.by_domain
        ]
        if new:
            Company.objects.bulk_create(new, ignore_conflicts=True)
            self.made["companies"] += len(new)
            self.by_domain.update(company_ids_for_domains(c.domain or "" for c in new))

    def companies_for_names(self, names: Iterable[str]) -> None:
        """Make sure each company name has a company (matched case-insensitively)."""
        missing = {n.lower(): n for n in names if n.lower() not in self.by_name}
        if not missing:
            return
        for lowered, company_id in (
            Company.objects.annotate(lowered=Lower("name"))
            .filter(lowered__in=list(missing))
            .order_by("-id")
            .values_list("lowered", "id")
        ):
            # Ordered newest first so the oldest company of a name wins.
            self.by_name[lowered] = company_id
        new = [Company(name=name[:200]) for key, name in missing.items() if key not in self.by_name]
        if new:
            for company in Company.objects.bulk_create(new):
                self.by_name[company.name.lower()] = company.pk
            self.made["companies"] += len(new)

    def company_id(self, domain: str, name: str) -> int | None:
        if domain:
            return self.by_domain[domain]
        if name:
            return self.by_name[name.lower()]
        return None

    def people_for(self, wanted: dict[str, tuple[str, int | None]]) -> None:
        """Make sure each email in `wanted` ({email: (name, company id)}) is a person.

        A new person's company is the row's, else the company of the email's domain. An
        existing person gains a name or company only where theirs is empty.
        """
        missing = {e: v for e, v in wanted.items() if e not in self.people}
        if not missing:
            return
        existing = Person.objects.filter(email__in=list(missing)).values_list(
            "email", "id", "name", "company_id"
        )
        fill: list[Person] = []
        for address, person_id, name, current in existing:
            new_name, new_company = missing[address]
            company_id = current or new_company
            if (new_name and not name) or company_id != current:
                fill.append(
                    Person(id=person_id, name=name or new_name[:200], company_id=company_id)
                )
            self.people[address] = (person_id, company_id)
        if fill:
            Person.objects.bulk_update(fill, ["name", "company"])
        create = {e: v for e, v in missing.items() if e not in self.people}
        if not create:
            return
        domains = company_ids_for_domains(
            e.rsplit("@", 1)[1] for e, (_, c) in create.items() if c is None
        )
        people = []
        for address, (name, row_company) in create.items():
            domain = address.rsplit("@", 1)[1]
            if row_company is None and domain not in FREEMAIL:
                row_company = domains.get(domain)
            people.append((address, name[:200], row_company))
        insert_rows(Person, ("email", "name", "company_id"), people, ignore_conflicts=True)
        self.made["people"] += len(people)
        for address, person_id, company_id in Person.objects.filter(
            email__in=list(create)
        ).values_list("email", "id", "company_id"):
            self.people[address] = (person_id, company_id)
