"""Compiled lookups answer what the ORM answers, in one query, on each connection."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harken.accounts.models import ApiToken, User
from harken.audit.models import AuditEvent
from harken.customers.models import Company, Person
from harken.lib import compiled
from harken.lib.compiled import Compiled, _kept, insert, insert_all

PERSON = Compiled(lambda email: Person.objects.select_related("company").filter(email=email))
TOKEN = Compiled(lambda digest: ApiToken.objects.select_related("user").filter(digest=digest))


@pytest.mark.django_db
def test_builds_the_instance_and_its_select_related_as_the_orm_does(acme: Company) -> None:
    Person.objects.create(email="ana@acme.com", name="Ana", company=acme)
    with CaptureQueriesContext(connection) as queries:
        found = PERSON.get("ana@acme.com")
        assert found is not None
        assert found.company is not None
        assert (found.name, found.company.name, found.company.arr) == ("Ana", "Acme Corp", 250_000)
    assert len(queries) == 1
    orm = Person.objects.select_related("company").get(email="ana@acme.com")
    assert {k: v for k, v in vars(found).items() if k != "_state"} == {
        k: v for k, v in vars(orm).items() if k != "_state"
    }
    # Dates come back converted (SQLite hands back text), and the instance is a stored one.
    assert found.created_at == orm.created_at
    assert not found._state.adding
    assert found._state.db == "default"


@pytest.mark.django_db
def test_a_missing_relation_is_none_and_a_missing_row_is_none() -> None:
    Person.objects.create(email="solo@example.org")
    with CaptureQueriesContext(connection) as queries:
        found = PERSON.get("solo@example.org")
        assert found is not None
        assert found.company is None
    assert len(queries) == 1
    assert PERSON.get("nobody@example.org") is None


@pytest.mark.django_db
def test_values_are_bound_not_pasted(contributor: User, token_for: Callable[..., str]) -> None:
    token_for(contributor)
    assert TOKEN.get("' OR 1=1 --") is None


@pytest.mark.django_db
def test_plans_are_kept_per_thread_and_connection(contributor: User) -> None:
    digest = ApiToken.digest_of("raw")
    ApiToken.objects.create(user=contributor, name="t", digest=digest, prefix="hk_raw")
    found = TOKEN.get(digest)
    assert found is not None
    # Each thread keeps its own plans, as it has its own connection: no compiler is shared.
    assert (TOKEN, 1) in _kept("default")
    assert found.user.username == "carl"


def test_refuses_a_query_that_does_not_use_its_value() -> None:
    constant = Compiled(lambda _: Person.objects.filter(email="fixed@example.org"))
    with pytest.raises(ValueError, match="does not use each of its values"):
        constant.get("x")


@pytest.mark.django_db
def test_looks_up_any_number_of_values_with_one_plan_per_count() -> None:
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        Person.objects.create(email=email)
    many = Compiled(lambda *emails: Person.objects.filter(email__in=emails))
    assert many.all() == []
    assert {p.email for p in many.all("a@example.org", "c@example.org")} == {
        "a@example.org",
        "c@example.org",
    }
    assert [p.email for p in many.all("b@example.org", "zz@example.org")] == ["b@example.org"]
    with pytest.raises(ValueError, match="more than one row"):
        many.get("a@example.org", "b@example.org")


@pytest.mark.django_db
def test_insert_stores_what_save_stores(contributor: User) -> None:
    fast = AuditEvent(actor=contributor, action="x.done", object_type="t", changes={"a": [1]})
    slow = AuditEvent(actor=contributor, action="x.done", object_type="t", changes={"a": [1]})
    with CaptureQueriesContext(connection) as queries:
        insert(fast)
    assert len(queries) == 1
    slow.save()
    assert fast.pk is not None
    assert not fast._state.adding
    assert fast.created_at is not None  # auto_now_add filled in, as save() does
    stored = AuditEvent.objects.get(pk=fast.pk)
    assert (stored.actor, stored.action, stored.changes) == (contributor, "x.done", {"a": [1]})
    assert stored.created_at == fast.created_at
    assert AuditEvent.objects.get(pk=slow.pk).changes == stored.changes
    with pytest.raises(ValueError, match="new instances only"):
        insert(stored)


@pytest.mark.django_db
def test_insert_all_stores_many_in_one_statement_with_their_ids_in_order(
    contributor: User,
) -> None:
    events = [AuditEvent(actor=contributor, action=f"x.{i}", object_type="t") for i in range(5)]
    with CaptureQueriesContext(connection) as queries:
        insert_all(events)
    assert len(queries) == 1
    assert [AuditEvent.objects.get(pk=e.pk).action for e in events] == [f"x.{i}" for i in range(5)]
    assert not any(e._state.adding for e in events)
    with CaptureQueriesContext(connection) as queries:
        insert_all([])
    assert not queries
    # Beyond COMPILE_UP_TO rows, bulk_create writes them on SQLite, with the same result.
    many = [AuditEvent(action=f"m.{i}", object_type="t") for i in range(compiled.COMPILE_UP_TO + 1)]
    insert_all(many)
    assert [AuditEvent.objects.get(pk=e.pk).action for e in many] == [
        f"m.{i}" for i in range(compiled.COMPILE_UP_TO + 1)
    ]
    with pytest.raises(ValueError, match="all of one model"):
        insert_all([AuditEvent(action="z", object_type="t"), contributor])


@pytest.mark.django_db
def test_on_postgresql_any_number_of_rows_is_one_statement_binding_arrays(
    contributor: User,
) -> None:
    """One array per column: psycopg converts the statement once and PostgreSQL prepares it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite binds a VALUES list")
    for rows in (1, 3, compiled.COMPILE_UP_TO * 3):
        events = [
            AuditEvent(
                actor=contributor if i % 2 else None, action=f"r{rows}.{i}", changes={"i": i}
            )
            for i in range(rows)
        ]
        with CaptureQueriesContext(connection) as queries:
            insert_all(events)
        assert len(queries) == 1
        assert "UNNEST(" in queries[0]["sql"]
        assert "VALUES" not in queries[0]["sql"]
        stored = {
            e.pk: (e.actor_id, e.action, e.changes)
            for e in AuditEvent.objects.filter(action__startswith=f"r{rows}.")
        }
        assert stored == {e.pk: (e.actor_id, e.action, {"i": i}) for i, e in enumerate(events)}
