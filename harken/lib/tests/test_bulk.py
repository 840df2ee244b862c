"""harken.lib.bulk: rows written as plain values store what the ORM would have stored, and
rows that may exist already are stored once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from harken.customers.models import Company, Person
from harken.inbox.models import Note, Source
from harken.lib.bulk import datetime_converter, insert_new, insert_rows


@pytest.mark.django_db
def test_dates_in_any_zone_and_the_auto_now_columns_store_their_instant() -> None:
    received = datetime(2024, 7, 1, 9, 30, 15, 250, tzinfo=ZoneInfo("America/Chicago"))
    now = datetime(2025, 1, 2, 3, 4, 5, 6, tzinfo=ZoneInfo("Asia/Tokyo"))
    convert = datetime_converter()
    rows = [
        ("Later", "csv-1", convert(received + timedelta(hours=1))),
        ("Earlier", "csv-2", convert(received)),
    ]
    assert (
        insert_rows(
            Note, ("title", "external_id", "received_at"), rows, now=now, raw=("received_at",)
        )
        == 2
    )
    # Sorting the converted values sorts the instants (an import writes its rows in order).
    assert sorted(rows, key=lambda r: r[2])[0][0] == "Earlier"
    stored = Note.objects.get(source=Source.MANUAL, external_id="csv-2")
    assert stored.received_at == received
    assert stored.created_at == stored.updated_at == now
    assert Note.objects.get(external_id="csv-1").received_at == received + timedelta(hours=1)


@pytest.mark.django_db
def test_insert_new_stores_and_answers_only_the_rows_not_stored_before() -> None:
    acme = Company.objects.create(name="Acme", domain="acme.example")
    stored = Person.objects.create(email="ann@acme.example", name="Ann")
    rows = [("ann@acme.example", "Other Ann", None), ("bo@acme.example", "Bo", acme.pk)]
    made = insert_new(
        Person,
        ("email", "name", "company_id"),
        rows,
        unique="email",
        returning=("email", "id", "company_id"),
    )
    bo = Person.objects.get(email="bo@acme.example")
    assert made == [("bo@acme.example", bo.pk, acme.pk)]
    # The columns not named take their defaults, as save() would give them.
    assert (bo.name, bo.created_at is not None) == ("Bo", True)
    stored.refresh_from_db()
    assert stored.name == "Ann"  # the stored person is left as they were


@pytest.mark.django_db
def test_insert_new_splits_many_rows_into_statements_the_database_takes() -> None:
    rows = [(f"Firm {i}", f"firm{i}.example") for i in range(1_234)]
    made = insert_new(Company, ("name", "domain"), rows, unique="domain", returning=("domain",))
    assert sorted(made) == sorted((domain,) for _, domain in rows)
    assert insert_new(Company, ("name", "domain"), rows, unique="domain", returning=("id",)) == []
    assert Company.objects.count() == 1_234
