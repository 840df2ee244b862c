"""Compiled lookups answer what the ORM answers, in one query, on any thread's connection."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harken.accounts.models import ApiToken, User
from harken.customers.models import Company, Person
from harken.lib.compiled import Compiled, _kept

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


@pytest.mark.django_db(transaction=True)
def test_a_plan_compiled_by_one_thread_serves_the_others(contributor: User) -> None:
    digest = ApiToken.digest_of("raw")
    ApiToken.objects.create(user=contributor, name="t", digest=digest, prefix="hk_raw")
    lookup = Compiled(lambda digest: ApiToken.objects.select_related("user").filter(digest=digest))

    def find() -> str | None:
        try:
            found = lookup.get(digest)
            return found.user.username if found else None
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(find).result() == "carl"
    plan = _kept("default")[(lookup, 1)]
    assert find() == "carl"  # on this thread's own connection, with the plan compiled there
    assert _kept("default")[(lookup, 1)] is plan


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
def test_any_number_of_values_share_a_plan_per_power_of_two() -> None:
    emails = [f"p{i}@example.org" for i in range(20)]
    for email in emails:
        Person.objects.create(email=email)
    people = Compiled(lambda *keys: Person.objects.filter(email__in=keys), any_number=True)
    for count in (1, 2, 3, 5, 8, 9, 17, 20):
        assert sorted(p.email for p in people.all(*emails[:count])) == sorted(emails[:count])
    counts = sorted(n for (plan, n) in _kept("default") if plan is people)
    assert counts == [1, 2, 4, 8, 16, 32]
