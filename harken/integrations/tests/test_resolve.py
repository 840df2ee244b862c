"""The import's resolver: companies it creates are counted once, by the import that stored
them."""

from __future__ import annotations

import pytest

from harken.customers.models import Company, CompanyDomain
from harken.integrations.csv.resolve import Resolver
from harken.lib.testing import writers_at_once


@pytest.mark.django_db
def test_companies_for_domains_finds_stored_domains_and_creates_the_rest() -> None:
    acme = Company.objects.create(name="Acme", domain="acme.example")
    other = CompanyDomain.objects.create(company=acme, domain="acme-mail.example")
    resolver = Resolver()
    resolver.companies_for_domains(
        {"acme.example": "", other.domain: "Acme Mail", "new.example": "New Co"}
    )
    new = Company.objects.get(domain="new.example")
    assert resolver.by_domain == {
        "acme.example": acme.pk,
        "acme-mail.example": acme.pk,
        "new.example": new.pk,
    }
    assert (new.name, resolver.made["companies"]) == ("New Co", 1)
    # A domain without a name gives the company its domain for a name.
    resolver.companies_for_domains({"bare.example": ""})
    assert Company.objects.get(domain="bare.example").name == "bare.example"
    assert resolver.made["companies"] == 2


@pytest.mark.django_db(transaction=True)
def test_imports_creating_the_same_companies_at_once_each_count_only_their_own() -> None:
    """Real threads, each with its own connection and transaction, as concurrent imports
    run: every new company is counted exactly once, and each import knows every id."""
    names = {f"firm{i}.example": f"Firm {i}" for i in range(40)}

    def resolve() -> tuple[int, dict[str, int]]:
        resolver = Resolver()
        resolver.companies_for_domains(names)
        return resolver.made["companies"], resolver.by_domain

    results = writers_at_once(resolve)
    stored = dict(Company.objects.values_list("domain", "id"))
    assert sum(made for made, _ in results) == len(stored) == 40
    assert all(by_domain == stored for _, by_domain in results)
