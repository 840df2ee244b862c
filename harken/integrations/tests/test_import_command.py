from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from harken.accounts.models import User
from harken.audit.models import AuditEvent
from harken.customers.models import Company
from harken.inbox.models import Note, NoteTag
from harken.integrations.csv import notes
from harken.integrations.models import ImportJob, ImportStatus
from harken.integrations.tests.helpers import FIDER


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_notes_prints_a_summary(tmp_path: Path, contributor: User) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("title,tags\nFirst,a\nSecond,\n")
    out, _ = run("notes", str(path), "--as", "carl")
    assert "notes.csv: 2 created, 0 skipped as already imported, 0 rejected rows (of 2)." in out
    assert set(Note.objects.values_list("submitter__username", flat=True)) == {"carl"}
    out, _ = run("notes", str(path))
    assert "0 created, 2 skipped as already imported" in out
    assert Note.objects.count() == 2


def _read_all(master: int) -> str:
    """All a closed pseudo-terminal received: a read may return one write's bytes at a time."""
    received = b""
    try:
        while chunk := os.read(master, 65536):
            received += chunk
    except OSError:  # EIO on Linux: the other end is closed and everything is read
        pass
    finally:
        os.close(master)
    return received.decode()


def test_on_a_terminal_the_rows_are_counted_as_they_go(tmp_path: Path, db: None) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("title\n" + "".join(f"Note {i}\n" for i in range(5000)))
    # A real pseudo-terminal: the command shows its progress only on one.
    master, slave = os.openpty()
    out = StringIO()
    with open(slave, "w", encoding="utf-8") as terminal:
        call_command("import", "notes", str(path), stdout=out, stderr=terminal)
    shown = _read_all(master)
    # The first batch (2,000 rows) is shown; the next come within the half second it waits.
    assert "\r\033[K2,000 of 5,000 rows read (40 %): 2,000 created, 0 rejected" in shown
    assert shown.endswith("\r\033[K")  # the line is cleared for the summary
    assert "5,000 created" in out.getvalue()
    # Not on a terminal (a file, a pipe): no progress line, only the summary.
    _, err = run("notes", str(path))
    assert err == ""


def test_rejected_rows_are_listed_and_fail_the_command(tmp_path: Path, db: None) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("title,customer_priority\nFine,1\n,2\nAlso,eleven\n")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="2 row"):
        call_command("import", "notes", str(path), stdout=out, stderr=err)
    assert "1 created" in out.getvalue()
    assert "row 3 title: is empty; every note needs a title" in err.getvalue()
    assert "row 4 customer_priority: 'eleven' is not a whole number" in err.getvalue()
    assert Note.objects.count() == 1


def test_fider_export_via_command(db: None) -> None:
    out, _ = run("notes", str(FIDER / "more-posts.csv"))
    assert "3 created" in out
    assert "Fider export" in out


def test_companies_via_command(tmp_path: Path, db: None) -> None:
    path = tmp_path / "companies.csv"
    path.write_text("name,domain,arr\nInitech,initech.com,100k\n")
    out, _ = run("companies", str(path))
    assert "1 created, 0 updated, 0 unchanged" in out
    assert Company.objects.get().arr == 100_000


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (b"", (), "The file is empty. Nothing was imported."),
        (b"body\nx\n", (), "no title column"),
        (b"title\nx\n", ("--as", "nobody"), "No user named 'nobody'"),
        (b"title\nx\n", ("--as", "vera"), "Only a contributor or above may import CSV files"),
    ],
)
def test_command_errors(
    tmp_path: Path, viewer: User, content: bytes, args: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run("notes", str(path), *args)
    assert ImportJob.objects.count() == 0


def test_missing_file(tmp_path: Path, db: None) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        run("notes", str(tmp_path / "nope.csv"))


@pytest.fixture
def small_cells() -> Iterator[None]:
    """Cells of at most 1,000 characters in this process (the parsing child keeps its own
    limit): a file the count refuses, however far the child has read."""
    previous = csv.field_size_limit(1000)
    yield
    csv.field_size_limit(previous)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"title\n\n\n", "no rows below it"),
        (b"title,body\n" + b"fine,x\n" * 50 + b"long," + b"y" * 2000 + b"\n", "near line 52"),
    ],
)
@pytest.mark.usefixtures("small_cells")
def test_command_refuses_a_file_it_cannot_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: None, content: bytes, message: str
) -> None:
    """The rows are already being parsed (here in a child process) while they are counted:
    a file refused by the count stores nothing and leaves no process behind."""
    monkeypatch.setattr(notes, "PARSE_IN_PROCESS_ROWS", 1)
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    before = set(children())
    with pytest.raises(CommandError, match=message):
        run("notes", str(path))
    assert ImportJob.objects.count() == 0
    assert Note.objects.count() == 0
    assert set(children()) <= before


def test_command_parses_a_large_file_in_a_child_and_keeps_no_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, contributor: User
) -> None:
    monkeypatch.setattr(notes, "PARSE_IN_PROCESS_ROWS", 1)
    path = tmp_path / "notes.csv"
    path.write_text("title,tags\n" + "".join(f"Note {i},t{i % 3}\n" for i in range(300)))
    out, _ = run("notes", str(path), "--as", "carl")
    assert "300 created, 0 skipped as already imported, 0 rejected rows (of 300)." in out
    job = ImportJob.objects.get()
    assert (job.status, job.content, job.total_rows, job.processed_rows) == (
        ImportStatus.DONE,
        "",
        300,
        300,
    )
    assert job.created_by == contributor
    assert AuditEvent.objects.filter(action="import.finished", object_id=str(job.pk)).exists()
    assert NoteTag.objects.count() == 300
    assert set(children()) == set()


def children() -> list[int]:
    """This process's child processes (a parsing child that was not ended would show)."""
    me = os.getpid()
    path = Path(f"/proc/{me}/task/{me}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []
