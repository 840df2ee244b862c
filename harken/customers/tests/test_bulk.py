"""People for many notes at once (harken.customers.bulk): who was created, and by whom."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import close_old_connections, connection, transaction

from harken.customers.bulk import people_for_emails
from harken.customers.models import Company, Person


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
    if connection.vendor == "sqlite":
        # Its write transactions take the lock as they begin (IMMEDIATE), so one writer's
        # look and insert cannot straddle another's; and the test suite's in-memory
        # database refuses a second writer outright instead of making it wait.
        pytest.skip("SQLite writers never overlap")
    emails: dict[str, tuple[str, int | None]] = {
        f"p{i}@firm.example": (f"P{i}", None) for i in range(40)
    }
    start = Barrier(4)

    def create(_: int) -> list[str]:
        try:
            start.wait()
            with transaction.atomic():
                return people_for_emails(emails)[1]
        finally:
            close_old_connections()
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        created = [email for made in pool.map(create, range(4)) for email in made]
    assert sorted(created) == sorted(emails)
    assert Person.objects.count() == 40
