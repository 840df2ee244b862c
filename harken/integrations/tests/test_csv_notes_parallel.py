"""A large import on PostgreSQL: parsed in a child process, stored by two connections at once.

These tests commit for real (the writers' connections cannot see a test's open transaction),
so they lower the size from which a file counts as large. On SQLite the same imports run on
one connection and must give the same results.
"""

from __future__ import annotations

import time

import pytest
from django.db import connection

from harken.accounts.models import User
from harken.customers.models import Person
from harken.inbox.models import Note, NoteTag
from harken.integrations.csv import notes
from harken.integrations.csv.notes import NoteImport
from harken.integrations.csv.reader import open_table
from harken.integrations.tests.helpers import run_import
from harken.lib.db_threads import ConnectionThreads

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _every_file_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notes, "PARSE_IN_PROCESS_ROWS", 1)


HEADER = "id,title,person_email,company_domain,tags\n"


def _rows(prefix: str, count: int) -> list[str]:
    # 40 people, each of one of 7 companies.
    return [
        f"{prefix}{i},Note {prefix}{i},p{i % 40}@{firm}.com,{firm}.com,t{i % 3}\n"
        for i in range(count)
        for firm in [f"firm{i % 40 % 7}"]
    ]


def test_a_large_file_is_stored_whole_with_progress_per_batch(contributor: User) -> None:
    seen: list[tuple[int, int]] = []
    importer = NoteImport(
        open_table(HEADER + "".join(_rows("n", 4500))),
        contributor,
        lambda r: seen.append((r.processed, r.created)),
    )
    report = importer.run()
    assert (report.total, report.created, report.skipped, report.rejected) == (4500, 4500, 0, 0)
    # Batches finish in order of submission; the last report has every row.
    assert [created for _, created in seen] == sorted(created for _, created in seen)
    assert seen[-1] == (4500, 4500)
    assert Note.objects.count() == 4500
    assert NoteTag.objects.count() == 4500
    assert Person.objects.count() == 40
    note = Note.objects.select_related("person", "company").get(external_id="n4499")
    assert note.person is not None
    assert (note.person.email, note.submitter_id) == ("p19@firm5.com", contributor.pk)
    assert note.company is not None
    assert note.company.domain == "firm5.com"
    assert [t.name for t in note.tags.all()] == ["t2"]


def test_a_large_reimport_meeting_stored_notes_later_adds_nothing_twice(
    contributor: User,
) -> None:
    stored = _rows("n", 2500)
    run_import(contributor, "notes", HEADER + "".join(stored))
    new = _rows("m", 4000)
    job = run_import(contributor, "notes", HEADER + "".join(new + stored))
    assert (job.created_count, job.skipped_count, job.rejected_count) == (4000, 2500, 0)
    assert Note.objects.count() == 6500
    assert NoteTag.objects.count() == 6500
    again = run_import(contributor, "notes", HEADER + "".join(stored))
    assert (again.created_count, again.skipped_count) == (0, 2500)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid: int = cursor.fetchone()[0]
    return pid


def _live_pids() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pid FROM pg_stat_activity")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_writer_threads_close_their_connections() -> None:
    with ConnectionThreads(2) as threads:
        used = {threads.submit(_backend_pid).result() for _ in range(6)}
        assert used <= _live_pids()
        assert _backend_pid() not in used  # their own connections, not this thread's
    # A backend leaves pg_stat_activity a moment after its client has closed the connection.
    deadline = time.monotonic() + 10
    while used & _live_pids() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not used & _live_pids()
