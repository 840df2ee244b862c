"""New rows written with the INSERT Django's bulk_create would run, built once per process.

`bulk_create` compiles its INSERT on every call (about 1 ms here), and the API's group commit
writes a few rows of notes, note-tag rows and audit events many times a second. Here the
statement of a model's fields is built once and kept. On PostgreSQL, every row of a call
goes into one JSON document bound as one text value: the same statement for any number of
rows, which PostgreSQL prepares once. One array per column (Django's bulk_create) cost
psycopg more to convert than the database took to store the rows, and Django's conversion of
each value (get_db_prep_save) as much again; JSON is written by json's C encoder from the
attribute values. SQLite gets a VALUES list.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from harken.lib.bulk import model_default

# Django's own field classes whose attribute values JSON carries as they are (or, for the
# types JSON lacks, as `_json_value` writes them) and PostgreSQL reads back into the column.
_JSON_READY = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DateField",
        "DateTimeField",
        "DecimalField",
        "FloatField",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallAutoField",
        "SmallIntegerField",
        "TextField",
        "UUIDField",
    }
)


def _json_ready(field: models.Field[Any, Any]) -> bool:
    if isinstance(field, models.ForeignKey):
        return _json_ready(field.target_field)
    if isinstance(field, models.JSONField):
        return field.encoder is None
    return (
        type(field).__module__.startswith("django.db.models.")
        and field.get_internal_type() in _JSON_READY
        and not hasattr(field, "get_placeholder_sql")
    )


def _json_value(value: Any) -> Any:
    """JSON for the values json.dumps has none for, as PostgreSQL reads them in."""
    if isinstance(value, datetime) and timezone.is_naive(value):
        # As Django's DateTimeField stores a naive datetime: in the default time zone.
        value = timezone.make_aware(value)
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} has no JSON form for insert_all()")


class _Defaults:
    """A model's fields in the order its constructor takes them, with their defaults."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = model._meta.concrete_fields
        self.names = [f.attname for f in fields]
        # Callable defaults (now, a new list) are made per instance: new_instance() needs them.
        self.constant = {
            f.attname: f.get_default()
            for f in fields
            if not (f.has_default() and callable(f.default))
        }


_defaults: dict[type[models.Model], _Defaults] = {}


def new_instance[M: models.Model](
    model: type[M], values: Mapping[str, Any], related: Mapping[str, models.Model | None]
) -> M:
    """`model(**values, **related)`, built as `Model.from_db` builds an instance: from every
    field's value in order, skipping the keyword handling and related-object descriptors
    that made building a note a fifth of storing it. `values` are by attname (`person_id`)
    and must give every field whose default is callable; `related` are the objects the
    foreign keys point to, cached on the instance as assigning them would."""
    defaults = _defaults.get(model)
    if defaults is None:
        defaults = _defaults[model] = _Defaults(model)
    constant = defaults.constant
    obj = model(*[values[n] if n in values else constant[n] for n in defaults.names])
    meta = model._meta
    for name, target in related.items():
        field = meta.get_field(name)
        setattr(obj, field.attname, None if target is None else target.pk)  # type: ignore[union-attr]
        field.set_cached_value(obj, target)  # type: ignore[union-attr]
    return obj


class _Insert:
    """The INSERT of `names` (attnames) of a model, built once per process. The model's other
    columns (but its automatic key) take their model defaults, bound once a statement. With
    `unique` (an attname), a row whose value is stored already is left out; `returning`
    (attnames) are the columns answered for each row stored."""

    def __init__(
        self,
        model: type[models.Model],
        names: tuple[str, ...],
        connection: BaseDatabaseWrapper,
        returning: tuple[str, ...],
        unique: str | None,
    ) -> None:
        meta = model._meta
        by_name = {f.attname: f for f in meta.concrete_fields}
        self.fields = [by_name[name] for name in names]
        self.names = names
        self.rest = [
            f
            for f in meta.concrete_fields
            if f.attname not in names and not isinstance(f, models.AutoField)
        ]
        quote = connection.ops.quote_name
        given = [quote(str(f.column)) for f in self.fields]
        columns = ", ".join([*given, *(quote(str(f.column)) for f in self.rest)])
        # Names come from the model's meta, quoted; every value is bound.
        self.head = f"INSERT INTO {quote(meta.db_table)} ({columns}) "
        self.row = "(" + ", ".join(["%s"] * (len(self.fields) + len(self.rest))) + ")"
        self.returning = bool(returning)
        self.unique = unique is not None
        self.tail = ""
        if unique is not None:
            self.tail += f" ON CONFLICT ({quote(str(by_name[unique].column))}) DO NOTHING"
        if returning:
            # A composite key (note-tag rows) has no column of its own to answer.
            self.tail += " RETURNING " + ", ".join(quote(str(by_name[n].column)) for n in returning)
        # On PostgreSQL, every row in one JSON document (the module's docstring says why); the
        # defaults are bound beside it, cast as the columns they go to.
        self.json: str | None = None
        if connection.vendor == "postgresql" and all(_json_ready(f) for f in self.fields):
            types = ", ".join(
                f"{column} {_db_type(f, connection)}"
                for column, f in zip(given, self.fields, strict=True)
            )
            defaults = "".join(f", %s::{_db_type(f, connection)}" for f in self.rest)
            self.json = (
                f"{self.head}SELECT {', '.join(given)}{defaults} "  # noqa: S608
                f"FROM json_to_recordset(%s::json) AS r({types}){self.tail}"
            )

    def values(self, rows: int) -> str:
        return self.head + "VALUES " + ", ".join([self.row] * rows) + self.tail

    def defaults(self, connection: BaseDatabaseWrapper) -> list[Any]:
        """The values of the columns not named, as `save()` would give them now."""
        if not self.rest:
            return []
        now = timezone.now()
        return [model_default(f, now, connection) for f in self.rest]


def _db_type(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> str:
    # Without its size (varchar, not varchar(300)), as Django does: nothing is cut short.
    return str(field.db_type(connection)).split("(")[0]


# The statements built, by database alias, model, fields, answered fields and unique field:
# the same for every thread.
_plans: dict[
    tuple[str, type[models.Model], tuple[str, ...], tuple[str, ...], str | None], _Insert
] = {}


def _insert_plan(
    model: type[models.Model],
    names: tuple[str, ...],
    alias: str,
    returning: tuple[str, ...] = (),
    unique: str | None = None,
) -> _Insert:
    key = (alias, model, names, returning, unique)
    plan = _plans.get(key)
    if plan is None:
        plan = _plans[key] = _Insert(model, names, connections[alias], returning, unique)
    return plan


def _write(
    plan: _Insert, rows: Sequence[Sequence[Any]], connection: BaseDatabaseWrapper
) -> list[tuple[Any, ...]]:
    """Store rows of attribute values; what the plan returns of each row stored, in order. A
    VALUES list takes as many rows a statement as the database binds values for, as
    bulk_create splits them."""
    defaults = plan.defaults(connection)
    if plan.json is not None:
        names = plan.names
        document = json.dumps(
            [dict(zip(names, row, strict=True)) for row in rows], default=_json_value
        )
        sql, params = plan.json, [*defaults, document]
    else:
        size = max(connection.ops.bulk_batch_size([*plan.fields, *plan.rest], rows), 1)
        if len(rows) > size:
            return [
                answered
                for start in range(0, len(rows), size)
                for answered in _write(plan, rows[start : start + size], connection)
            ]
        params = [
            value
            for row in rows
            for value in (
                *(
                    f.get_db_prep_save(value, connection)
                    for f, value in zip(plan.fields, row, strict=True)
                ),
                *defaults,
            )
        ]
        sql = plan.values(len(rows))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if not plan.returning:
            return []
        answered = [tuple(row) for row in cursor.fetchall()]
    if not plan.unique and len(answered) != len(rows):
        raise AssertionError("the database answered a different number of rows")
    return answered


def insert(obj: models.Model, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Store a new instance as `obj.save(force_insert=True)` would, with its INSERT compiled
    once per model. Like `bulk_create`, it sends no model signals; use it
    only for models nothing listens to (notes and audit events, on the busiest path)."""
    insert_all([obj], alias)


def insert_all(objs: Sequence[models.Model], alias: str = DEFAULT_DB_ALIAS) -> None:
    """`insert` for several new instances of one model, in one statement (on SQLite, as many
    as its limit on bound values takes): `bulk_create` without its compiling (about 1 ms a
    call here), for the small batches of the API's group commit. Both databases answer the
    new ids in the order of the rows."""
    if not objs:
        return
    model = type(objs[0])
    if any(type(obj) is not model or obj.pk is not None or not obj._state.adding for obj in objs):
        raise ValueError("insert() and insert_all() store new instances only, all of one model")
    meta = model._meta
    names = tuple(f.attname for f in meta.concrete_fields if f is not meta.pk)
    plan = _insert_plan(model, names, alias, returning=(meta.pk.attname,))
    rows = [[f.pre_save(obj, True) for f in plan.fields] for obj in objs]
    for obj, (pk,) in zip(objs, _write(plan, rows, connections[alias]), strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = alias


def insert_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    alias: str = DEFAULT_DB_ALIAS,
) -> None:
    """New rows of `model` from their values of the fields `names` (attnames, `tag_id`; the
    rest take their model defaults, auto_now fields the time of the call), without making
    instances: for the rows a batch writes and never reads back (note-tag rows, audit
    events). No signals are sent."""
    if not rows:
        return
    _write(_insert_plan(model, tuple(names), alias), rows, connections[alias])


def insert_new(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    unique: str,
    returning: Sequence[str],
    alias: str = DEFAULT_DB_ALIAS,
) -> list[tuple[Any, ...]]:
    """`insert_rows` of the rows whose `unique` field (an attname) holds no stored value;
    answers the `returning` fields of the rows this call stored.

    For rows that concurrent writers may create too (people by email, companies by domain):
    `INSERT ... ON CONFLICT DO NOTHING RETURNING` tells each writer which rows are its own, so
    a row two writers make at once is counted, and audited, once.
    """
    if not rows:
        return []
    plan = _insert_plan(model, tuple(names), alias, tuple(returning), unique)
    return _write(plan, rows, connections[alias])
