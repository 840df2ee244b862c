"""Queries that run on every API request, compiled to SQL once per process.

Django compiles a queryset to SQL afresh each time it runs. For a lookup like "the token
with this digest, with its user" that compilation costs about 0.4 ms here, three times what
PostgreSQL takes to answer, and every API request pays it. `Compiled` builds the queryset
once with a marker in place of the looked-up value, keeps the SQL and the compiler, and on
each call runs the SQL with the real value, converts the row with the compiler's own
converters (SQLite's dates and booleans) and builds the instances as Django would:
`Model.from_db` for the model and for each select_related one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

# Plans are kept for lookups of up to this many values; longer ones (an import's tags) are
# rare and would each keep a statement of their own. Lookups of any number of values round
# their count up to a power of two (`Compiled(..., any_number=True)`): ten plans at most.
KEEP_UP_TO = 512
# On SQLite, insert_all() writes up to this many rows itself, in one statement (16 rows of any
# model bind far fewer values than SQLite's 32,766), and hands more to bulk_create().
COMPILE_UP_TO = 16


# Plans by database alias, shared by every thread. Each thread has its own connection, but
# the SQL of an alias is the same on all of them, and what a plan keeps of the connection
# that compiled it (its converters: SQLite's dates and booleans) depends on the settings
# alone. Kept per thread, each of a web process's 32 request threads compiled every plan
# again, about a millisecond each: a twentieth of the CPU a busy process spent.
_plans: dict[str, dict[Any, Any]] = {}


def _kept(alias: str) -> dict[Any, Any]:
    """The plans compiled for `alias`. Two threads may compile the same plan at once; either
    is kept, both are right."""
    return _plans.setdefault(alias, {})


def _mark(position: int) -> str:
    # Stands for a looked-up value while Django compiles; no real value contains NUL.
    return f"\x00harken-compiled-{position}\x00"


class _Plan:
    def __init__(self, compiler: SQLCompiler, sql: str, params: tuple[Any, ...], n: int) -> None:
        self.compiler = compiler
        self.sql = sql
        self.params = params
        marks = {_mark(i): i for i in range(n)}
        # (position in params, index of the value it takes)
        self.values_at = [(i, marks[p]) for i, p in enumerate(params) if p in marks]
        if sorted({v for _, v in self.values_at}) != list(range(n)):
            raise ValueError("the compiled query does not use each of its values")
        fields = [col[0] for col in compiler.select[: compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        klass_info = compiler.klass_info
        assert klass_info is not None
        # (model, attnames, first column, end column, field caching it on its parent)
        self.parts: list[tuple[type[models.Model], list[str], int, int, Any]] = []
        self._plan_part(klass_info, None)

    def _plan_part(self, info: dict[str, Any], field: Any) -> None:
        columns = info["select_fields"]
        start, end = columns[0], columns[-1] + 1
        attnames = [col[0].target.attname for col in self.compiler.select[start:end]]
        self.parts.append((info["model"], attnames, start, end, field))
        for related in info.get("related_klass_infos", []):
            if related.get("reverse"):
                raise ValueError("only forward select_related is compiled")
            self._plan_part(related, related["field"])

    def build(self, alias: str, row: Any) -> models.Model:
        built: list[models.Model] = []
        for model, attnames, start, end, field in self.parts:
            obj = model.from_db(alias, attnames, row[start:end])
            if field is not None:
                # Its parent is the latest part of the model the field belongs to.
                parent = next(p for p in reversed(built) if isinstance(p, field.model))
                field.set_cached_value(parent, obj if obj.pk is not None else None)
            built.append(obj)
        return built[0]


class Compiled[M: models.Model]:
    """`Compiled(lambda v: Model.objects.select_related(...).filter(col=v)).get(value)`.

    `make` takes as many strings as the query looks up. Values must be strings looked up as
    they are (CharFields, not pks), distinct from each other. Plans are kept per database
    alias, for every thread; forward select_related is followed.

    `any_number=True` is for `lambda *keys: ...filter(col__in=keys)`: a count of values is
    run as the next power of two, the last value repeated (harmless in an IN list), so that
    groups of any size share a few plans instead of each count compiling its own.
    """

    def __init__(
        self,
        make: Callable[..., models.QuerySet[M]],
        alias: str = DEFAULT_DB_ALIAS,
        any_number: bool = False,
    ):
        self.make = make
        self.alias = alias
        self.any_number = any_number

    def _plan(self, connection: BaseDatabaseWrapper, n: int) -> _Plan:
        plans = _kept(self.alias)
        plan = plans.get((self, n))
        if plan is None:
            queryset = self.make(*[_mark(i) for i in range(n)])
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            plan = _Plan(compiler, sql, tuple(params), n)
            if n <= KEEP_UP_TO:
                plans[(self, n)] = plan
        return plan

    def all(self, *values: str) -> list[M]:
        """Every row the query finds for `values` (none for no values)."""
        if not values:
            return []
        if self.any_number and len(values) & (len(values) - 1):
            values = (*values, *[values[-1]] * ((1 << len(values).bit_length()) - len(values)))
        connection = connections[self.alias]
        plan = self._plan(connection, len(values))
        params = list(plan.params)
        for position, index in plan.values_at:
            params[position] = values[index]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        if plan.converters:
            rows = list(plan.compiler.apply_converters(rows, plan.converters))
        return [plan.build(self.alias, row) for row in rows]  # type: ignore[misc]

    def get(self, *values: str) -> M | None:
        """The one row the query finds, or None."""
        found = self.all(*values)
        if len(found) > 1:
            raise ValueError("a compiled lookup found more than one row")
        return found[0] if found else None


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
    """The INSERT of `fields` (attnames) of a model, built once per process."""

    def __init__(
        self, model: type[models.Model], names: tuple[str, ...], connection: BaseDatabaseWrapper
    ) -> None:
        meta = model._meta
        by_name = {f.attname: f for f in meta.concrete_fields}
        self.fields = [by_name[name] for name in names]
        self.names = names
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in self.fields)
        # Names come from the model's meta, quoted; every value is bound.
        self.head = f"INSERT INTO {quote(meta.db_table)} ({columns}) "
        self.row = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        self.tail = f" RETURNING {quote(str(meta.pk.column))}"
        # On PostgreSQL, every row in one JSON document, bound as one text value: the same
        # statement for any number of rows, which PostgreSQL prepares once. One array per
        # column (Django's bulk_create) cost psycopg more to convert than the database took
        # to store the rows, and Django's conversion of each value (get_db_prep_save) as
        # much again; JSON is written by json's C encoder from the attribute values.
        self.json: str | None = None
        if connection.vendor == "postgresql" and all(_json_ready(f) for f in self.fields):
            types = ", ".join(
                f"{quote(str(f.column))} {_db_type(f, connection)}" for f in self.fields
            )
            self.json = (
                f"{self.head}SELECT {columns} FROM json_to_recordset(%s::json) AS r({types})"  # noqa: S608
                f"{self.tail}"
            )

    def values(self, rows: int) -> str:
        return self.head + "VALUES " + ", ".join([self.row] * rows) + self.tail


def _db_type(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> str:
    # Without its size (varchar, not varchar(300)), as Django does: nothing is cut short.
    return str(field.db_type(connection)).split("(")[0]


def _insert_plan(
    model: type[models.Model], names: tuple[str, ...], connection: BaseDatabaseWrapper, alias: str
) -> _Insert:
    plans = _kept(alias)
    plan: _Insert | None = plans.get((model, names))
    if plan is None:
        plan = plans[(model, names)] = _Insert(model, names, connection)
    return plan


def _write(
    plan: _Insert, rows: Sequence[Sequence[Any]], connection: BaseDatabaseWrapper
) -> list[Any]:
    """Store rows of attribute values; their new ids, in order."""
    if plan.json is not None:
        names = plan.names
        document = json.dumps(
            [dict(zip(names, row, strict=True)) for row in rows], default=_json_value
        )
        sql, params = plan.json, [document]
    else:
        prepared = [
            [
                f.get_db_prep_save(value, connection)
                for f, value in zip(plan.fields, row, strict=True)
            ]
            for row in rows
        ]
        sql, params = plan.values(len(rows)), [value for row in prepared for value in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [pk for (pk,) in cursor.fetchall()]
    if len(ids) != len(rows):
        raise AssertionError("the database answered a different number of ids")
    return ids


def insert(obj: models.Model, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Store a new instance as `obj.save(force_insert=True)` would, with its INSERT compiled
    once per model. Like `bulk_create`, it sends no model signals; use it
    only for models nothing listens to (notes and audit events, on the busiest path)."""
    insert_all([obj], alias)


def insert_all(objs: Sequence[models.Model], alias: str = DEFAULT_DB_ALIAS) -> None:
    """`insert` for several new instances of one model, in one statement: `bulk_create`
    without its compiling (about 1 ms a call here), for the small batches of the API's
    group commit. Both databases answer the new ids in the order of the rows."""
    if not objs:
        return
    model = type(objs[0])
    if any(type(obj) is not model or obj.pk is not None or not obj._state.adding for obj in objs):
        raise ValueError("insert() and insert_all() store new instances only, all of one model")
    meta = model._meta
    names = tuple(f.attname for f in meta.concrete_fields if f is not meta.pk)
    connection = connections[alias]
    plan = _insert_plan(model, names, connection, alias)
    if plan.json is None and len(objs) > COMPILE_UP_TO:
        # Many rows of a VALUES list are thousands of values for psycopg to reparse; Django's
        # bulk_create splits them into batches the database accepts.
        model._base_manager.using(alias).bulk_create(objs)
        return
    rows = [[f.pre_save(obj, True) for f in plan.fields] for obj in objs]
    for obj, pk in zip(objs, _write(plan, rows, connection), strict=True):
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
    rest take their database defaults), without making instances: for the rows a batch
    writes and never reads back (note-tag rows, audit events). No defaults of the model's,
    no auto_now and no signals apply."""
    if not rows:
        return
    connection = connections[alias]
    plan = _insert_plan(model, tuple(names), connection, alias)
    if plan.json is None:
        # As many rows a statement as the database binds values for, as bulk_create does.
        size = max(connection.ops.bulk_batch_size(plan.fields, rows), 1)
        for start in range(0, len(rows), size):
            _write(plan, rows[start : start + size], connection)
        return
    _write(plan, rows, connection)
