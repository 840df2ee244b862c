"""New rows written as save() and bulk_create() write them, in one statement a call."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harken.accounts.models import User
from harken.audit.models import AuditEvent
from harken.customers.models import Company, Person
from harken.inbox.models import Note, Source
from harken.lib import inserts
from harken.lib.inserts import insert, insert_all, insert_new, insert_rows, new_instance

# More audit events (7 values each) than one statement binds on SQLite (32,766 values).
MANY = 32_766 // 7 + 1


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
    # More rows than SQLite binds values for in one statement: as many statements as it
    # takes, with the same result.
    many = [AuditEvent(action=f"m.{i}", object_type="t") for i in range(MANY)]
    insert_all(many)
    stored = dict(AuditEvent.objects.filter(action__startswith="m.").values_list("pk", "action"))
    assert [stored[e.pk] for e in many] == [f"m.{i}" for i in range(MANY)]
    with pytest.raises(ValueError, match="all of one model"):
        insert_all([AuditEvent(action="z", object_type="t"), contributor])


@pytest.mark.django_db
def test_on_postgresql_any_number_of_rows_is_one_statement_binding_one_json_document(
    contributor: User,
) -> None:
    """The rows as one JSON text: psycopg binds one value and PostgreSQL prepares one plan."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite binds a VALUES list")
    for rows in (1, 3, 48):
        events = [
            AuditEvent(
                actor=contributor if i % 2 else None, action=f"r{rows}.{i}", changes={"i": i}
            )
            for i in range(rows)
        ]
        with CaptureQueriesContext(connection) as queries:
            insert_all(events)
        assert len(queries) == 1
        assert "json_to_recordset(" in queries[0]["sql"]
        assert "VALUES" not in queries[0]["sql"]
        stored = {
            e.pk: (e.actor_id, e.action, e.changes)
            for e in AuditEvent.objects.filter(action__startswith=f"r{rows}.")
        }
        assert stored == {e.pk: (e.actor_id, e.action, {"i": i}) for i, e in enumerate(events)}


def _every_kind_of_note(submitter: User, person: Person, i: int) -> Note:
    """A note whose fields hold the values a database conversion could get wrong."""
    return Note(
        title=f"Quotes ' \" and \\ backslashes, ünïcode ✓ and a tab\t #{i}",
        body='Line one\nline two\r\n{"json": [1, 2]} %s %(name)s',
        source=Source.EMAIL,
        external_id=None if i % 2 else f"ext-{i}",
        submitter=submitter,
        person=person if i % 2 else None,
        confidential=bool(i % 2),
        customer_priority=None if i % 2 else 10,
        links=["https://crm.example.com/a?b=1&c=ü"] if i % 2 else [],
        received_at=datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC) + timedelta(days=i),
        snoozed_until=datetime(2026, 4, 1, 9, 0, tzinfo=timezone.get_fixed_timezone(-300)),
        problem="",
    )


def _as_stored(note: Note) -> dict[str, object]:
    stored = Note.objects.get(pk=note.pk)
    values = {f.attname: getattr(stored, f.attname) for f in Note._meta.concrete_fields}
    # Only the ids and the moments of saving may differ between two notes saved apart.
    for name in ("id", "created_at", "updated_at"):
        del values[name]
    return values


@pytest.mark.django_db
def test_insert_all_stores_every_kind_of_value_as_save_does(
    contributor: User, acme: Company
) -> None:
    person = Person.objects.create(email="ana@acme.com", company=acme)
    fast = [_every_kind_of_note(contributor, person, i) for i in range(3)]
    insert_all(fast)
    for i, note in enumerate(fast):
        slow = _every_kind_of_note(contributor, person, i)
        slow.external_id = None  # (source, external_id) is unique
        slow.save()
        assert _as_stored(note) == {**_as_stored(slow), "external_id": note.external_id}
        assert Note.objects.get(pk=note.pk).external_id == (None if i % 2 else f"ext-{i}")
        assert note.created_at == Note.objects.get(pk=note.pk).created_at


@pytest.mark.django_db
def test_insert_rows_stores_plain_values_without_instances(contributor: User) -> None:
    created = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    rows = [
        (contributor.pk if i % 2 else None, f"plain.{i}", "t", str(i), "", {"n": [i]}, created)
        for i in range(32)
    ]
    names = ("actor_id", "action", "object_type", "object_id", "object_repr", "changes")
    with CaptureQueriesContext(connection) as queries:
        insert_rows(AuditEvent, (*names, "created_at"), rows)
    # As many rows to a statement as the database binds values for: all of these in one.
    assert len(queries) == 1
    stored = AuditEvent.objects.filter(action__startswith="plain.").order_by("id")
    assert [(e.actor_id, e.action, e.object_id, e.changes, e.created_at) for e in stored] == [
        (row[0], row[1], row[3], row[5], created) for row in rows
    ]
    with CaptureQueriesContext(connection) as queries:
        insert_rows(AuditEvent, names, [])
    assert not queries


def test_only_djangos_own_fields_of_plain_types_go_into_json() -> None:
    assert inserts._json_ready(models.CharField(max_length=3))
    assert inserts._json_ready(models.JSONField())
    assert inserts._json_ready(Note._meta.get_field("person"))
    # A JSONField with its own encoder may hold values only that encoder can write.
    assert not inserts._json_ready(models.JSONField(encoder=DjangoJSONEncoder))
    assert not inserts._json_ready(models.BinaryField())

    class Shouting(models.CharField[str, str]):
        def get_prep_value(self, value: object) -> object:
            return str(value).upper()

    assert not inserts._json_ready(Shouting(max_length=3))
    assert inserts._json_value(Decimal("1.50")) == "1.50"
    assert inserts._json_value(date(2026, 1, 2)) == "2026-01-02"
    # A naive moment is taken in the default time zone, as DateTimeField takes it.
    naive = datetime(2026, 1, 2, 3, 4)
    assert inserts._json_value(naive) == timezone.make_aware(naive).isoformat()
    with pytest.raises(TypeError, match="no JSON form"):
        inserts._json_value(object())


@pytest.mark.django_db
def test_new_instance_is_what_the_constructor_makes(contributor: User, acme: Company) -> None:
    person = Person.objects.create(email="ana@acme.com", company=acme)
    values = {
        "title": "Export",
        "source": Source.API,
        "links": ["https://crm.example.com/1"],
        "received_at": datetime(2026, 1, 2, tzinfo=UTC),
    }
    related: dict[str, models.Model | None] = {
        "submitter": contributor,
        "person": person,
        "company": None,
    }
    fast = new_instance(Note, values, related)
    slow = Note(**values, **related)
    fields = Note._meta.concrete_fields
    assert {f.attname: getattr(fast, f.attname) for f in fields} == {
        f.attname: getattr(slow, f.attname) for f in fields
    }
    assert fast._state.adding
    with CaptureQueriesContext(connection) as queries:
        assert (fast.submitter, fast.person, fast.company) == (contributor, person, None)
    assert not queries
    # A field whose default is made per instance (received_at: now) must be given.
    with pytest.raises(KeyError, match="received_at"):
        new_instance(Note, {"title": "When?", "links": []}, {})


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
def test_insert_new_gives_the_columns_not_named_their_model_defaults() -> None:
    before = timezone.now()
    rows = [(f"Firm {i}", f"firm{i}.example") for i in range(1_234)]
    with CaptureQueriesContext(connection) as queries:
        made = insert_new(Company, ("name", "domain"), rows, unique="domain", returning=("domain",))
    assert sorted(made) == sorted((domain,) for _, domain in rows)
    if connection.vendor == "postgresql":
        assert len(queries) == 1  # one JSON document, however many rows
    firm = Company.objects.get(domain="firm7.example")
    assert (firm.name, firm.arr, firm.plan, firm.deployment) == ("Firm 7", 0, "", "saas")
    assert (firm.segments, firm.custom_fields, firm.account_owner) == ([], {}, None)
    assert before <= firm.created_at == firm.updated_at <= timezone.now()
    # Every row is stored already: none is stored again, none is answered.
    assert insert_new(Company, ("name", "domain"), rows, unique="domain", returning=("id",)) == []
    assert Company.objects.count() == 1_234
