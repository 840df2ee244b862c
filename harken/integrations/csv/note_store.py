"""Writing a batch of imported notes: people and companies, the notes, their tags.

`prepare` resolves a batch's people, companies and tags (creating those missing) and turns
its rows into the notes' column values; `store` writes them, inside the caller's transaction.
The two are apart so that a large import can prepare the next batch on its own connection
while other connections store earlier ones (`NoteImport`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.db import connection

from harken.inbox.actions import tags_named
from harken.inbox.models import Note, NoteTag, Source
from harken.inbox.why import WHY_FIELDS
from harken.integrations.csv.resolve import Resolver
from harken.lib.bulk import load_rows, search_index_deferred

if TYPE_CHECKING:
    from harken.integrations.csv.note_rows import NoteRow

_INSERTED: tuple[str, ...] = (
    "title",
    "body",
    "source",
    "source_url",
    "external_id",
    "submitter_id",
    "person_id",
    "company_id",
    "confidential",
    "customer_priority",
    "links",
    "received_at",
    *WHY_FIELDS,
)

_TABLE = Note._meta.db_table
_EXTERNAL = _INSERTED.index("external_id")
_RECEIVED = itemgetter(_INSERTED.index("received_at"))


@dataclass(slots=True)
class Prepared:
    """A batch ready to store: each note's column values (in `_INSERTED` order) and tags."""

    notes: list[tuple[Any, ...]]
    tags: dict[str, list[int]]  # external id -> tag ids


def prepare(
    rows: Sequence[NoteRow], resolver: Resolver, tag_ids: dict[str, int], submitter: int | None
) -> Prepared:
    """Resolve the rows' people, companies and tags, creating the missing ones."""
    domains: dict[str, str] = {}
    names: set[str] = set()
    wanted: dict[str, str] = {}  # tag names, lowercased -> as last written
    for *_, domain, company_name, tags in rows:  # the last of a NoteRow's values
        if domain:
            domains.setdefault(domain, company_name)
        elif company_name:
            names.add(company_name)
        for name in tags:
            wanted[name.lower()] = name
    resolver.companies_for_domains(domains)
    resolver.companies_for_names(names)
    people: dict[str, tuple[str, int | None]] = {}
    for *_, email, person_name, domain, company_name, _ in rows:
        if email and email not in people:
            people[email] = (person_name, resolver.company_id(domain, company_name))
    resolver.people_for(people)
    unknown = [name for key, name in wanted.items() if key not in tag_ids]
    if unknown:
        tag_ids.update({tag.name.lower(): tag.pk for tag in tags_named(unknown)})
    notes = []
    tagged: dict[str, list[int]] = {}
    people_ids = resolver.people
    company_id = resolver.company_id
    csv = Source.CSV.value
    for row in rows:
        (
            external_id,
            title,
            body,
            source_url,
            received_at,
            priority,
            confidential,
            links,
            why,
            email,
            _,
            domain,
            company_name,
            tags,
        ) = row
        person_id, person_company = people_ids[email] if email else (None, None)
        notes.append(
            (
                title,
                body,
                csv,
                source_url,
                external_id,
                submitter,
                person_id,
                company_id(domain, company_name) or person_company,
                confidential,
                priority,
                links,
                received_at,
                *why,
            )
        )
        if tags:
            tagged[external_id] = [tag_ids[name.lower()] for name in tags]
    # In date order: most of the note indexes lead with received_at, and rows that land next
    # to each other keep the index pages they touch few and cached.
    notes.sort(key=_RECEIVED)
    return Prepared(notes, tagged)


def store(batch: Prepared, look_first: bool) -> tuple[int, int]:
    """Write the batch's notes and tag rows; (notes created, notes found stored already).

    Without `look_first`, a batch holding a stored note is refused whole, by the unique
    (source, external id) constraint, with an IntegrityError.
    """
    notes = batch.notes
    if look_first:
        stored = _stored_ids([values[_EXTERNAL] for values in notes])
        notes = [values for values in notes if values[_EXTERNAL] not in stored]
    skipped = len(batch.notes) - len(notes)
    if not notes:
        return 0, skipped
    with search_index_deferred(Note) as indexed:
        if connection.vendor == "postgresql":
            # Ids drawn from the table's sequence up front: COPY returns none, and reading
            # them back by external id costs as much as a third of the COPY.
            new_ids = _next_note_ids(len(notes))
            note_ids = {v[_EXTERNAL]: i for i, v in zip(new_ids, notes, strict=True)}
            load_rows(
                Note,
                ("id", *_INSERTED),
                [(i, *v) for i, v in zip(new_ids, notes, strict=True)],
                raw=("received_at", "links"),
            )
        else:
            load_rows(Note, _INSERTED, notes, raw=("received_at", "links"))
            note_ids = _stored_ids([v[_EXTERNAL] for v in notes])
        indexed.extend(note_ids.values())
    pairs = [
        (note_ids[external_id], tag_id)
        for external_id, tags in batch.tags.items()
        if external_id in note_ids
        for tag_id in tags
    ]
    if pairs:
        load_rows(NoteTag, ("note_id", "tag_id"), pairs)
    return len(notes), skipped


def _stored_ids(external_ids: list[str]) -> dict[str, int]:
    """{external id: note id} of the CSV notes among `external_ids`.

    Plain SQL: the ORM's IN lookup prepares each of the thousands of values in Python, and
    its default inbox order would make SQLite walk the source index instead of the unique one.
    On PostgreSQL, one lookup per id through the unique index: with `IN (...)`, statistics
    gathered before a large import say there are few CSV notes, so the planner reads every
    CSV note and filters, which made each batch slower than the one before it.
    """
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT x.eid, (SELECT n.id FROM {_TABLE} n "  # noqa: S608
                "WHERE n.source = %s AND n.external_id = x.eid) "
                "FROM unnest(%s::text[]) AS x(eid)",
                [Source.CSV.value, external_ids],
            )
            found.update(row for row in cursor.fetchall() if row[1] is not None)
            return found
        for start in range(0, len(external_ids), 5000):
            chunk = external_ids[start : start + 5000]
            cursor.execute(
                f"SELECT external_id, id FROM {_TABLE} WHERE source = %s "  # noqa: S608
                f"AND external_id IN ({', '.join(['%s'] * len(chunk))})",
                [Source.CSV.value, *chunk],
            )
            found.update(cursor.fetchall())
    return found


def _next_note_ids(count: int) -> list[int]:
    """`count` new note ids from PostgreSQL's sequence, as inserts without an id would get."""
    with connection.cursor() as cursor:
        # MATERIALIZED looks the sequence up once: per row, the lookup made this 5 times slower.
        cursor.execute(
            "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq) "
            "SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
            [_TABLE, count],
        )
        return [row[0] for row in cursor.fetchall()]
