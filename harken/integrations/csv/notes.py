"""Import notes from CSV: validate every row in Python, then write each batch in bulk.

A row with any problem is left out whole and reported; the others are imported. Each note
gets source `csv` and an external id (the file's id column, else a hash of the row), so
importing the same file again adds nothing. Rows are read by `note_rows`, written by
`note_store`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import Future
from contextlib import closing
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from harken.accounts.models import User
from harken.integrations.csv import fider, note_rows
from harken.integrations.csv.note_rows import (
    FIDER_COLUMNS,
    NOTE_COLUMNS,
    Chunk,
    NoteRow,
    parse_chunks,
)
from harken.integrations.csv.note_store import Prepared, prepare, store
from harken.integrations.csv.reader import Table
from harken.integrations.csv.report import Progress, Report, no_progress
from harken.integrations.csv.resolve import Resolver
from harken.lib.db_threads import ConnectionThreads
from harken.lib.read_ahead import InProcessReader, read_ahead, read_ahead_in_process

# From this many rows the file is parsed in a child process (`read_ahead_in_process`), which
# takes a third of a second to start, and stored by two connections at once on PostgreSQL;
# smaller files are parsed in a thread and stored by this connection.
PARSE_IN_PROCESS_ROWS = 50_000


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
        self.chunks: Generator[Chunk] | InProcessReader | None = None
        self.large = False

    def start(self, rows: int) -> None:
        """Begin reading the file's rows (`rows`, about how many it has, decides how): a
        large file's child process then starts while the caller does other work."""
        if self.chunks is not None:
            return
        how = (
            self.table,
            self.columns,
            self.is_fider,
            timezone.now(),
            timezone.get_current_timezone_name(),
        )
        self.large = rows >= PARSE_IN_PROCESS_ROWS
        if self.large:
            self.chunks = read_ahead_in_process(f"{note_rows.__name__}:parse_chunks", *how)
        else:
            self.chunks = read_ahead(parse_chunks(*how))

    def close(self) -> None:
        """Stop reading (the child process or thread ends); for a run that will not happen."""
        if self.chunks is not None:
            self.chunks.close()

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
        self.start(report.total)
        assert self.chunks is not None
        # Two connections store batches at once on PostgreSQL, each on a backend (a core) of
        # its own, while this one prepares the next. Not inside a transaction, which the
        # writers' own would escape.
        parallel = (
            self.large and connection.vendor == "postgresql" and not connection.in_atomic_block
        )
        with closing(self.chunks) as chunks:
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
                    if not chunk.rows:  # every row rejected or repeated: nothing to store
                        self.progress(self.report)
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
