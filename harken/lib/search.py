"""Full-text search: PostgreSQL tsvector with a GIN expression index, or SQLite FTS5.

The indexes are created by migrations (inbox 0002, features 0002); the expressions here must
stay byte-for-byte the ones indexed, or PostgreSQL will not use the index.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w+", re.UNICODE)


def pg_document(table: str, columns: tuple[str, ...]) -> str:
    joined = " || ' ' || ".join(f"coalesce({table}.{c}, '')" for c in columns)
    return f"to_tsvector('english'::regconfig, {joined})"


def has_words(text: str) -> bool:
    """Whether `text` has a word to search for; without one a search would match everything."""
    return bool(_WORD.search(text))


def pg_query(text: str) -> str:
    """User text as a tsquery: every word must match, as a prefix, as on SQLite."""
    return " & ".join(f"{w}:*" for w in _WORD.findall(text))


def fts5_query(text: str) -> str:
    """User text as an FTS5 query: every word must match, as a prefix; no FTS syntax leaks in."""
    return " ".join(f'"{w}"*' for w in _WORD.findall(text))


def search[M: Model](
    qs: QuerySet[M], text: str, table: str, columns: tuple[str, ...]
) -> QuerySet[M]:
    """Filter `qs` to rows of `table` whose `columns` match the words of `text`."""
    if not has_words(text):
        return qs
    if connection.vendor == "postgresql":
        return qs.filter(
            pk__in=RawSQL(
                f"SELECT id FROM {table} WHERE {pg_document(table, columns)} "
                "@@ to_tsquery('english'::regconfig, %s)",
                [pg_query(text)],
            )
        )
    return qs.filter(
        pk__in=RawSQL(
            f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s",
            [fts5_query(text)],
        )
    )


# (table, columns) of every searchable model.
SEARCHABLE = (
    ("inbox_note", ("title", "body")),
    ("features_feature", ("title", "description")),
)


def ensure_search_indexes(**_: object) -> None:
    """Create the full-text indexes when missing; run after every migrate.

    Not a migration: on SQLite Django alters a table by rebuilding it, which drops its
    triggers, so the FTS triggers are checked again after each migrate rather than once.
    """
    with connection.cursor() as cur:
        for table, columns in SEARCHABLE:
            if connection.vendor == "postgresql":
                # Look first: flush also sends post_migrate, and inside a transaction with
                # deferred constraint checks pending even CREATE INDEX IF NOT EXISTS fails.
                cur.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [f"{table}_fts"])
                if cur.fetchone():
                    continue
                cur.execute(
                    f"CREATE INDEX IF NOT EXISTS {table}_fts ON {table} "
                    f"USING GIN ({pg_document(table, columns)})"
                )
                continue
            cur.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{table}_fts_%"],
            )
            if cur.fetchone()[0] == 3:
                continue
            cols = ", ".join(columns)
            new = ", ".join(f"new.{c}" for c in columns)
            old = ", ".join(f"old.{c}" for c in columns)
            delete = (
                f"INSERT INTO {table}_fts({table}_fts, rowid, {cols}) "
                f"VALUES ('delete', old.id, {old});"
            )
            insert = f"INSERT INTO {table}_fts(rowid, {cols}) VALUES (new.id, {new});"
            for sql in (
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}_fts USING fts5({cols}, "
                f"content='{table}', content_rowid='id', tokenize='porter unicode61')",
                f"DROP TRIGGER IF EXISTS {table}_fts_ai",
                f"DROP TRIGGER IF EXISTS {table}_fts_ad",
                f"DROP TRIGGER IF EXISTS {table}_fts_au",
                f"CREATE TRIGGER {table}_fts_ai AFTER INSERT ON {table} BEGIN {insert} END",
                f"CREATE TRIGGER {table}_fts_ad AFTER DELETE ON {table} BEGIN {delete} END",
                f"CREATE TRIGGER {table}_fts_au AFTER UPDATE OF {cols} ON {table} "
                f"BEGIN {delete} {insert} END",
                f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')",
            ):
                cur.execute(sql)
