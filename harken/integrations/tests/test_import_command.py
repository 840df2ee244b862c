from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from harken.accounts.models import User
from harken.customers.models import Company
from harken.inbox.models import Note
from harken.integrations.models import ImportJob
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
