"""People and companies for a batch of imported notes, found or created in a few queries."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.functions import Lower

from harken.customers.bulk import company_ids_for_domains, people_for_emails
from harken.customers.models import Company
from harken.lib.inserts import insert_new


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
            ((name or domain)[:200], domain)
            for domain, name in missing.items()
            if domain not in self.by_domain
        ]
        if new:
            made = insert_new(
                Company, ("name", "domain"), new, unique="domain", returning=("domain", "id")
            )
            # Only the companies this import stored count: a concurrent writer's do not.
            self.made["companies"] += len(made)
            self.by_domain.update(made)
            if len(made) < len(new):
                # The rest are a concurrent writer's: theirs stand.
                self.by_domain.update(
                    company_ids_for_domains(d for _, d in new if d not in self.by_domain)
                )

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
        """Make sure each email in `wanted` ({email: (name, company id)}) is a person."""
        missing = {e: v for e, v in wanted.items() if e not in self.people}
        found, created = people_for_emails(missing)
        self.people.update(found)
        self.made["people"] += len(created)
