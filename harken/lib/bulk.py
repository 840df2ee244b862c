"""Loading many rows at once, for imports and generated data.

`QuerySet.bulk_create` spends most of its time compiling SQL in Python (about 200 µs per
30-column row), which caps a CSV import at roughly 5,000 notes per second. Here one prepared
INSERT is executed for many rows (`executemany` on SQLite) or the rows are streamed with
`COPY` (PostgreSQL), after converting only the values that need it (dates, JSON).
Model defaults and auto_now fields are filled in once per call, as `save()` would.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from harken.lib.search import SEARCHABLE

# Values of these field types go to the driver as they are.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.FloatField,
    models.ForeignKey,
)


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    if isinstance(field, _PLAIN):
        return None
    if isinstance(field, models.DateTimeField):
        return datetime_converter()
    # Most JSON values of an import are the empty default: adapt that one once.
    empty_list = (
        field.get_db_prep_save([], connection) if isinstance(field, models.JSONField) else None
    )

    def convert(value: Any) -> Any:
        if value == [] and empty_list is not None:
            return empty_list
        return field.get_db_prep_save(value, connection)

    return convert


def datetime_converter(db: BaseDatabaseWrapper = connection) -> Callable[[Any], Any]:
    """Aware datetimes to what the database stores, as Django's adapter does, but faster."""
    adapt = db.ops.adapt_datetimefield_value
    if db.vendor == "postgresql":

        def to_text(value: Any) -> Any:
            # Text in UTC, which PostgreSQL reads for a timestamptz (COPY or a literal):
            # made once per distinct value, where psycopg's datetime dumper ran for every
            # value of every row COPY wrote (about 2 µs each).
            if isinstance(value, datetime) and value.tzinfo is not None:
                return value.astimezone(UTC).isoformat(" ")
            return adapt(value)

        return to_text
    if db.vendor != "sqlite":
        return adapt
    zone = db.timezone

    def convert(value: Any) -> Any:
        # Django stores str() of the value made naive in the connection's zone; its general
        # path's checks cost more than the insert itself on generated or imported rows.
        if isinstance(value, datetime) and value.tzinfo is not None:
            return str(value.astimezone(zone).replace(tzinfo=None))
        return adapt(value)

    return convert


def model_default(
    field: models.Field[Any, Any], now: datetime, db: BaseDatabaseWrapper = connection
) -> Any:
    """What `save()` stores in a column it is not given (auto_now fields: `now`), as the
    database takes it: for the columns an insert leaves out, worked out once a call."""
    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return datetime_converter(db)(now)
    if field.has_default() or not field.null:
        return field.get_db_prep_save(field.get_default(), db)
    return None


def load_rows(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    now: datetime | None = None,
    raw: Collection[str] = (),
) -> int:
    """Insert `rows` (values in the order of `fields`, attnames for foreign keys): thousands
    at a time, streamed with COPY on PostgreSQL. For a few rows, `harken.lib.inserts` binds
    them to one statement built once per process instead.

    Columns not named take their model default (auto_now fields: `now`). No signals are sent
    and no primary keys are returned: callers re-read rows by a natural key, or set `id`
    themselves and reset the sequence afterwards (`reset_sequences`). Returns the number of
    rows inserted. Fields named in `raw` already hold database values
    (`connection.ops.adapt_*`) and are not converted.
    """
    now = now or timezone.now()
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [name for name in fields if name not in by_attname]
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
    given = [by_attname[name] for name in fields]
    rest = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in fields and not isinstance(f, models.AutoField)
    ]
    constants = tuple(model_default(f, now) for f in rest)
    converters = [None if f.attname in raw else _converter(f) for f in given]
    columns = [str(f.column) for f in given] + [str(f.column) for f in rest]
    convert = [(i, c) for i, c in enumerate(converters) if c is not None]

    def prepare(row: Sequence[Any]) -> tuple[Any, ...]:
        if not convert:
            return (*row, *constants)
        values = list(row)
        for i, c in convert:
            values[i] = c(values[i])
        return (*values, *constants)

    prepared = map(prepare, rows)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    quoted = ", ".join(quote(c) for c in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is the fastest way into PostgreSQL; psycopg adapts each Python value.
            # The driver's cursor bypasses Django's; its errors are made Django's (a unique
            # violation an IntegrityError) as any query's are.
            count = 0
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
            ):
                for row in prepared:
                    copy.write_row(row)
                    count += 1
            return count
        batch = list(prepared)
        if not batch:
            return 0
        # Table and column names come from the model's own meta, quoted; values are bound.
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({placeholders})"  # noqa: S608
        cursor.executemany(sql, batch)
        return len(batch)


def reset_sequences(*models_: type[models.Model]) -> None:
    """After inserting explicit ids: make the next generated id follow the largest one."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@contextmanager
def search_index_deferred(model: type[models.Model]) -> Iterator[list[int]]:
    """Inside a transaction: index the ids added to the yielded list in one statement.

    On SQLite the full-text index (harken.lib.search) is kept by a trigger per inserted row,
    which costs about 130 µs a note, more than the insert itself; one INSERT ... SELECT at the
    end indexes the same rows about 15 times faster. The trigger is dropped and re-created in
    this same write transaction, so no other connection ever sees the table without it.
    PostgreSQL indexes through an expression index and needs nothing here.
    """
    ids: list[int] = []
    table = model._meta.db_table
    columns = dict(SEARCHABLE).get(table)
    trigger_sql = None
    if connection.vendor == "sqlite" and columns:
        if not connection.in_atomic_block:
            raise RuntimeError("search_index_deferred must run inside a transaction")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                [f"{table}_fts_ai"],
            )
            found = cursor.fetchone()
            if found:
                trigger_sql = found[0]
                cursor.execute(f"DROP TRIGGER {table}_fts_ai")
    try:
        yield ids
        if trigger_sql and ids and columns:
            cols = ", ".join(columns)
            with connection.cursor() as cursor:
                for start in range(0, len(ids), 5000):
                    chunk = ids[start : start + 5000]
                    marks = ", ".join(["%s"] * len(chunk))
                    cursor.execute(
                        # Names come from SEARCHABLE; the ids are bound.
                        f"INSERT INTO {table}_fts(rowid, {cols}) "  # noqa: S608
                        f"SELECT id, {cols} FROM {table} WHERE id IN ({marks})",
                        chunk,
                    )
    finally:
        if trigger_sql:
            with connection.cursor() as cursor:
                cursor.execute(trigger_sql)
