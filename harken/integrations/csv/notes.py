"""Import notes from CSV: validate every row in Python, then write each batch in bulk.

A row with any problem is left out whole and reported; the others are imported. Each note
gets source `csv` and an external id (the file's id column, else a hash of the row), so
importing the same file again adds nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from harken.accounts.models import User
from harken.customers.actions import normalize_domain
from harken.inbox.models import WHY_FIELDS
from harken.integrations.csv import fider, values
from harken.integrations.csv.note_store import Prepared, prepare, store
from harken.integrations.csv.reader import ColumnSpec, Table, cells_by_column
from harken.integrations.csv.report import Progress, Report, no_progress
from harken.integrations.csv.resolve import Resolver
from harken.lib.bulk import datetime_converter
from harken.lib.db_threads import ConnectionThreads
from harken.lib.errors import ActionError
from harken.lib.read_ahead import read_ahead, read_ahead_in_process

BATCH = 2000
LONG_TEXT = 100_000
# From this many rows the file is parsed in a child process (`read_ahead_in_process`), which
# takes about half a second to start; smaller files are parsed in a thread.
PARSE_IN_PROCESS_ROWS = 50_000

NOTE_COLUMNS = ColumnSpec(
    accepted=(
        "title",
        "body",
        "external_id",
        "person_email",
        "person_name",
        "company_domain",
        "company",
        "tags",
        "source_url",
        "received_at",
        "customer_priority",
        "confidential",
        "links",
        *WHY_FIELDS,
    ),
    required=("title",),
    aliases={
        "id": "external_id",
        "email": "person_email",
        "description": "body",
        "created_at": "received_at",
        "date": "received_at",
        "priority": "customer_priority",
        "company_name": "company",
        "domain": "company_domain",
        "url": "source_url",
        "tag": "tags",
    },
)
FIDER_COLUMNS = ColumnSpec(accepted=fider.COLUMNS, required=("title",))


class NoteRow(NamedTuple):
    """A validated row, ready to be written (a tuple: it pickles fast, see `parse_chunks`)."""

    external_id: str
    title: str
    body: str
    source_url: str
    received_at: Any  # as the database stores it (adapted once per distinct value)
    customer_priority: int | None
    confidential: bool
    links: Any  # as the database stores it
    why: tuple[str, ...]
    person_email: str
    person_name: str
    company_domain: str
    company_name: str
    tags: list[str]


@dataclass(slots=True)
class Chunk:
    """A batch of parsed rows, with what reading them found to report."""

    rows: list[NoteRow] = field(default_factory=list)
    rejected: list[tuple[int, list[tuple[str, str]]]] = field(default_factory=list)
    skipped: int = 0
    processed: int = 0


@dataclass(frozen=True, slots=True)
class CellProblem:
    message: str


def row_hash(cells: dict[str | None, str]) -> str:
    """A stable id for a row without one: its non-empty cells, in any column order."""
    # Keys are unique, so sorting them sorts the (key, value) pairs; lists, not generators,
    # as this runs for every row of a file without ids.
    canonical = "\x1f".join(
        [k + "\x1e" + cells[k] for k in sorted([k for k in cells if k]) if cells[k]]
    )
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


class NoteParser:
    """Validates rows; remembers parsed dates and domains, which repeat across a file."""

    def __init__(self, now: datetime, tag_separator: str = ",") -> None:
        self.now = now
        self.tag_separator = tag_separator
        # raw text -> the value as the database stores it, or the error message
        self.moments: dict[str, Any] = {}
        self.adapt_moment = datetime_converter()
        self.now_db = self.adapt_moment(now)
        self.domains: dict[str, tuple[str, str]] = {}

    def moment(self, raw: str) -> Any:
        """The date in database form, or the error message (a str) for it."""
        found = self.moments.get(raw)
        if found is None:
            try:
                found = self.adapt_moment(values.moment(raw, self.now))
            except values.CellError as exc:
                found = CellProblem(str(exc))
            if len(self.moments) < 100_000:
                self.moments[raw] = found
        return found

    def domain(self, raw: str) -> tuple[str, str]:
        """(domain, error message), one of them empty."""
        found = self.domains.get(raw)
        if found is None:
            try:
                found = (normalize_domain(raw), "")
            except ActionError as exc:
                found = ("", exc.message)
            if len(self.domains) < 100_000:
                self.domains[raw] = found
        return found

    def parse(self, cells: dict[str | None, str]) -> NoteRow | list[tuple[str, str]]:
        """The row as a NoteRow, or every (column, message) wrong with it."""
        problems: list[tuple[str, str]] = []
        get = cells.get
        title = get("title", "")
        if not title:
            problems.append(("title", "is empty; every note needs a title"))
        elif len(title) > 300:
            problems.append(("title", f"is {len(title)} characters long; at most 300 fit"))
        external_id = get("external_id", "")
        if len(external_id) > 255:
            problems.append(("external_id", "is longer than 255 characters"))
        body = get("body", "")
        why = tuple([get(name, "") for name in WHY_FIELDS])
        if len(body) > LONG_TEXT or max(map(len, why)) > LONG_TEXT:
            for name, text in (("body", body), *zip(WHY_FIELDS, why, strict=True)):
                if len(text) > LONG_TEXT:
                    problems.append((name, _too_long(text)))
        received_at = self.now_db
        if raw := get("received_at"):
            moment = self.moment(raw)
            if isinstance(moment, CellProblem):
                problems.append(("received_at", moment.message))
            else:
                received_at = moment
        priority = None
        confidential = False
        source_url = get("source_url", "")
        person_email = get("person_email", "")
        tags: list[str] = []
        links: list[str] = []
        try:
            if raw := get("customer_priority"):
                priority = values.whole_number(raw, 1, 10)
        except values.CellError as exc:
            problems.append(("customer_priority", str(exc)))
        try:
            if raw := get("confidential"):
                confidential = values.boolean(raw)
        except values.CellError as exc:
            problems.append(("confidential", str(exc)))
        try:
            if source_url:
                values.url(source_url, 1000)
        except values.CellError as exc:
            problems.append(("source_url", str(exc)))
        try:
            if person_email:
                person_email = values.email(person_email)
        except values.CellError as exc:
            problems.append(("person_email", str(exc)))
        try:
            if raw := get("tags"):
                tags = values.tag_list(raw, self.tag_separator)
        except values.CellError as exc:
            problems.append(("tags", str(exc)))
        for link in get("links", "").replace(",", " ").split():
            try:
                links.append(values.url(link, 1000))
            except values.CellError as exc:
                problems.append(("links", str(exc)))
        person_name = get("person_name", "")
        if len(person_name) > 200:
            problems.append(("person_name", "is longer than 200 characters"))
        company_name = get("company", "")
        if len(company_name) > 200:
            problems.append(("company", "is longer than 200 characters"))
        company_domain = ""
        if raw := get("company_domain"):
            company_domain, message = self.domain(raw)
            if message:
                problems.append(("company_domain", message))
        if problems:
            return problems
        return NoteRow(
            external_id=external_id or row_hash(cells),
            title=title,
            body=body,
            source_url=source_url,
            received_at=received_at,
            customer_priority=priority,
            confidential=confidential,
            # JSON text, which both databases take for the column as it is written (PostgreSQL
            # by COPY): Django's adapter would wrap it for psycopg to encode once per row.
            links=json.dumps(links) if links else "[]",
            why=why,
            person_email=person_email,
            person_name=person_name,
            company_domain=company_domain,
            company_name=company_name,
            tags=tags,
        )


def _too_long(text: str) -> str:
    return (
        f"is {len(text):,} characters long; at most {LONG_TEXT:,} are accepted "
        "(a quote left open makes a cell swallow the rows after it)"
    )


def parse_chunks(
    table: Table, columns: list[str | None], is_fider: bool, now: datetime, zone: str
) -> Iterator[Chunk]:
    """The file's rows, parsed, in batches; touches neither the report nor the database.

    Runs in a thread or a child process, so it is told the importing request's time zone
    (dates without one are read in it) rather than relying on that thread's state.
    """
    timezone.activate(zone)
    parser = NoteParser(now, fider.TAG_SEPARATOR if is_fider else ",")
    seen: set[str] = set()
    chunk = Chunk()
    for number, raw in table.records():
        # Counted in rows read, not rows kept: a file of bad rows still shows its progress,
        # and no more than a batch of its problems is held at a time.
        if chunk.processed >= BATCH:
            yield chunk
            chunk = Chunk()
        chunk.processed += 1
        cells, too_many = cells_by_column(columns, raw)
        if too_many:
            chunk.rejected.append((number, [("", too_many)]))
            continue
        if is_fider:
            cells = fider.to_note_values(cells)
        parsed = parser.parse(cells)
        if isinstance(parsed, list):
            chunk.rejected.append((number, parsed))
            continue
        if parsed.external_id in seen:
            chunk.skipped += 1  # the same note twice in one file
            continue
        seen.add(parsed.external_id)
        chunk.rows.append(parsed)
    yield chunk


class NoteImport:
    """One run over a file; `run` returns the report."""

    def __init__(self, table: Table, actor: User | None, progress: Progress = no_progress):
        self.table = table
        self.actor = actor
        self.progress = progress
        self.is_fider = fider.is_fider_export(table.header)
        self.columns = (FIDER_COLUMNS if self.is_fider else NOTE_COLUMNS).map_header(table)
        self.report = Report(notices=list(table.notices))
        if self.is_fider:
            self.report.notices.append(fider.NOTICE)
        self.resolver = Resolver()
        self.tag_ids: dict[str, int] = {}
        self.submitter = actor.pk if actor is not None else None
        # Whether to look up which notes of a batch are stored before writing it. Most files
        # are new, so a batch is first written without looking: the unique (source, external
        # id) constraint refuses it whole if any of its notes is stored, and from then on
        # every batch is checked. The lookup was a sixth of a new file's import time.
        self.checking = False

    def run(self, total: int | None = None) -> Report:
        report = self.report
        report.total = self.table.count() if total is None else total
        if connection.vendor == "sqlite":
            # The note table has a dozen indexes; SQLite's default 2 MB page cache makes a
            # large import re-read their pages for every batch. For this connection only.
            # Likewise fewer WAL checkpoints: each rewrites the index pages the batches share.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -65536")
                cursor.execute("PRAGMA wal_autocheckpoint = 8000")
        # The next batches are parsed while this one is written.
        how = (
            self.table,
            self.columns,
            self.is_fider,
            timezone.now(),
            timezone.get_current_timezone_name(),
        )
        if report.total >= PARSE_IN_PROCESS_ROWS:
            chunks = read_ahead_in_process(f"{__name__}:parse_chunks", *how)
        else:
            chunks = read_ahead(parse_chunks(*how))
        # Two connections store batches at once on PostgreSQL, each on a backend (a core) of
        # its own, while this one prepares the next. Not inside a transaction, which the
        # writers' own would escape, and not for small files.
        parallel = (
            report.total >= PARSE_IN_PROCESS_ROWS
            and connection.vendor == "postgresql"
            and not connection.in_atomic_block
        )
        with closing(chunks):
            if parallel:
                self.store_in_threads(chunks)
            else:
                for chunk in chunks:
                    self.count(chunk)
                    self.flush(chunk.rows)
        for what, n in self.resolver.made.items():
            report.count_made(what, n)
        return report

    def count(self, chunk: Chunk) -> None:
        self.report.processed += chunk.processed
        for number, problems in chunk.rejected:
            self.report.reject(number, problems)
        self.report.skipped += chunk.skipped

    def flush(self, batch: list[NoteRow]) -> None:
        """Write one batch in its own transaction, so the job's progress shows between them."""
        checked_failures = 0
        while batch:
            checked = self.checking
            try:
                with transaction.atomic():
                    prepared = prepare(batch, self.resolver, self.tag_ids, self.submitter)
                    created, skipped = store(prepared, look_first=checked)
            except Exception as exc:
                self.resolver.reset()
                self.tag_ids.clear()
                # IntegrityError: some of these notes are stored, by an earlier import of this
                # file (written without looking) or by another import since we looked.
                if not isinstance(exc, IntegrityError):
                    raise
                checked_failures += checked
                if checked_failures == 2:
                    raise
                self.checking = True
                continue
            self.report.created += created
            self.report.skipped += skipped
            break
        self.progress(self.report)

    def store_in_threads(self, chunks: Iterator[Chunk], writers: int = 2) -> None:
        """Prepare each batch here (people, companies and tags committed at once), then store
        it on a writer thread's connection in a transaction of its own."""
        pending: deque[tuple[list[NoteRow], Future[tuple[int, int]]]] = deque()
        with ConnectionThreads(writers) as threads:
            try:
                for chunk in chunks:
                    self.count(chunk)
                    if not chunk.rows:
                        continue
                    prepared = prepare(chunk.rows, self.resolver, self.tag_ids, self.submitter)
                    stored = threads.submit(partial(self.store_alone, prepared))
                    pending.append((chunk.rows, stored))
                    while len(pending) > writers:
                        self.collect(*pending.popleft())
                while pending:
                    self.collect(*pending.popleft())
            finally:
                # Stopped by an error: what the writers stored is kept, so it is counted.
                for _, stored in pending:
                    if stored.exception() is None:
                        created, skipped = stored.result()
                        self.report.created += created
                        self.report.skipped += skipped
        self.progress(self.report)

    def store_alone(self, prepared: Prepared) -> tuple[int, int]:
        with transaction.atomic():
            return store(prepared, look_first=self.checking)

    def collect(self, batch: list[NoteRow], stored: Future[tuple[int, int]]) -> None:
        try:
            created, skipped = stored.result()
        except IntegrityError:
            # Refused whole (a stored note): this batch again, here, looking first.
            self.checking = True
            self.flush(batch)
            return
        self.report.created += created
        self.report.skipped += skipped
        self.progress(self.report)
