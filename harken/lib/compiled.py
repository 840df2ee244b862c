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

from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler

# Plans are kept for lookups of up to this many values; longer ones (an import's tags) are
# rare and would each keep a statement of their own. Lookups of any number of values round
# their count up to a power of two (`Compiled(..., any_number=True)`): ten plans at most.
KEEP_UP_TO = 512


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
