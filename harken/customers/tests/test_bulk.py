"""People for many notes at once (harken.customers.bulk): who was created, and by whom."""

from __future__ import annotations

import pytest

from harken.customers.bulk import people_for_emails
from harken.customers.models import Company, Person
from harken.lib.testing import writers_at_once


@pytest.mark.django_db
def test_people_for_emails_answers_everyone_and_names_only_the_new() -> None:
    acme = Company.objects.create(name="Acme", domain="acme.example")
    ann = Person.objects.create(email="ann@acme.example")
    people, created = people_for_emails(
        {"ann@acme.example": ("Ann", None), "cy@acme.example": ("Cy", None)}
    )
    cy = Person.objects.get(email="cy@acme.example")
    assert created == ["cy@acme.example"]
    # Cy's company is the one of their email's domain; Ann gains that name she lacked.
    assert people == {"ann@acme.example": (ann.pk, None), "cy@acme.example": (cy.pk, acme.pk)}
    assert Person.objects.get(pk=ann.pk).name == "Ann"


@pytest.mark.django_db(transaction=True)
def test_writers_creating_the_same_people_at_once_each_count_only_their_own() -> None:
    """Real threads, each with its own connection and transaction, as web requests or
    imports would: every new person is counted as created exactly once."""
    emails: dict[str, tuple[str, int | None]] = {
        f"p{i}@firm.example": (f"P{i}", None) for i in range(40)
    }
    results = writers_at_once(lambda: people_for_emails(emails)[1])
    created = [email for made in results for email in made]
    assert sorted(created) == sorted(emails)
    assert Person.objects.count() == 40
