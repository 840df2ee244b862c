from __future__ import annotations

import codecs
import pickle
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from harken.accounts.models import User
from harken.audit.models import AuditEvent
from harken.customers.models import Company, CompanyDomain, Person
from harken.features.models import Tag
from harken.inbox.models import Note, NoteTag, Source
from harken.inbox.why import WHY_FIELDS
from harken.integrations.actions import PROGRESS_EVERY, _progress_saver, do_create_import
from harken.integrations.csv import notes
from harken.integrations.csv.note_rows import NOTE_COLUMNS, parse_chunks, row_hash
from harken.integrations.csv.notes import NoteImport
from harken.integrations.csv.reader import CsvFileError, open_table
from harken.integrations.csv.report import Report
from harken.integrations.models import ImportJob, ImportStatus
from harken.integrations.tests.helpers import FIDER, errors_by_row, run_import
from harken.lib.errors import NotAllowed
from harken.lib.search import search

GOOD = (
    "title,body,person_email,person_name,company_domain,tags,received_at,customer_priority,"
    "wanted_to_do\n"
    'PDF export,"Board wants PDFs, monthly",jo@acme.com,Jo Park,acme.com,"export, pdf",'
    "2024-03-05T10:00:00Z,8,Send the board a report\n"
    "SSO please,,sam@newco.io,Sam,newco.io,security,2024-03-06,,\n"
    'Dark mode,"Line one\nline two",,,,,,,\n'
)


def test_good_file_imports_every_row(contributor: User, acme: Company) -> None:
    job = run_import(contributor, "notes", GOOD)
    assert (job.status, job.total_rows, job.created_count, job.rejected_count) == (
        ImportStatus.DONE,
        3,
        3,
        0,
    )
    pdf = Note.objects.get(title="PDF export")
    assert pdf.source == Source.CSV
    assert pdf.external_id
    assert pdf.external_id.startswith("sha256:")
    assert pdf.submitter == contributor
    assert pdf.company == acme
    assert pdf.person is not None
    assert (pdf.person.email, pdf.person.name, pdf.person.company) == (
        "jo@acme.com",
        "Jo Park",
        acme,
    )
    assert pdf.body == "Board wants PDFs, monthly"
    assert pdf.received_at == datetime(2024, 3, 5, 10, 0, tzinfo=UTC)
    assert (pdf.customer_priority, pdf.wanted_to_do) == (8, "Send the board a report")
    assert sorted(t.name for t in pdf.tags.all()) == ["export", "pdf"]
    # A company named by a domain nobody has is created, and its person joins it.
    sso = Note.objects.get(title="SSO please")
    assert sso.company is not None
    assert (sso.company.domain, sso.company.name) == ("newco.io", "newco.io")
    assert sso.received_at == datetime(2024, 3, 6, tzinfo=UTC)
    assert Note.objects.get(title="Dark mode").body == "Line one\nline two"
    assert {"companies": 1, "people": 2}.items() <= AuditEvent.objects.get(
        action="import.finished"
    ).changes.items()
    assert AuditEvent.objects.filter(action="note.created").count() == 0  # one event, not per row


def test_imported_notes_are_searchable(contributor: User) -> None:
    run_import(contributor, "notes", GOOD)
    found = search(Note.objects.all(), "monthly PDFs", "inbox_note", ("title", "body"))
    assert [n.title for n in found] == ["PDF export"]


def test_progress_is_reported_after_each_batch(contributor: User) -> None:
    data = "id,title,tags\n" + "".join(f"n{i},Note {i},t{i % 7}\n" for i in range(4500))
    table = open_table(data)
    seen: list[tuple[int, int]] = []
    importer = NoteImport(table, contributor, lambda r: seen.append((r.processed, r.created)))
    report = importer.run()
    assert seen == [(2000, 2000), (4000, 4000), (4500, 4500)]
    assert (report.total, report.created) == (4500, 4500)
    assert Note.objects.count() == 4500
    assert NoteTag.objects.count() == 4500
    assert Note.objects.get(external_id="n4499").tags.get().name == "t5"


def test_a_file_of_bad_rows_reports_progress_after_each_batch(contributor: User) -> None:
    data = "title,customer_priority\n" + "".join(f"Note {i},{i % 3 + 11}\n" for i in range(4500))
    seen: list[tuple[int, int]] = []
    importer = NoteImport(
        open_table(data), contributor, lambda r: seen.append((r.processed, r.rejected))
    )
    report = importer.run()
    assert seen == [(2000, 2000), (4000, 4000), (4500, 4500)]
    assert (report.created, report.rejected) == (0, 4500)
    assert not Note.objects.exists()


def test_reimport_adds_nothing(contributor: User, acme: Company) -> None:
    run_import(contributor, "notes", GOOD)
    again = run_import(contributor, "notes", GOOD)
    assert (again.created_count, again.skipped_count, again.rejected_count) == (0, 3, 0)
    assert Note.objects.count() == 3
    assert Person.objects.count() == 2
    assert Company.objects.count() == 2
    assert Tag.objects.count() == 3


def test_stored_notes_met_after_the_first_batch_are_skipped(contributor: User) -> None:
    """Batches are written without looking until one meets a stored note; none is doubled."""
    rows = [f"n{i},Note {i},t{i % 3}\n" for i in range(2500)]
    run_import(contributor, "notes", "id,title,tags\n" + "".join(rows))
    new = [f"m{i},New {i},t{i % 3}\n" for i in range(2000)]
    seen: list[tuple[int, int, int]] = []
    importer = NoteImport(
        open_table("id,title,tags\n" + "".join(new + rows[:1] + new[:1] + rows[1:])),
        contributor,
        lambda r: seen.append((r.processed, r.created, r.skipped)),
    )
    report = importer.run()
    # The first batch is all new; the second holds stored notes, so it is written again
    # after looking (one repeated row of the file is skipped too), and so is the third.
    assert seen == [(2000, 2000, 0), (4000, 2000, 2000), (4501, 2000, 2501)]
    assert (report.created, report.skipped) == (2000, 2501)
    assert Note.objects.count() == 4500
    assert NoteTag.objects.count() == 4500
    assert Person.objects.count() == 0


def test_links_column_holds_crm_and_ticket_urls(contributor: User) -> None:
    job = run_import(
        contributor,
        "notes",
        'title,links\nA,"https://crm.example/1, https://tickets.example/2"\nB,\nC,not-a-url\n',
    )
    assert (job.created_count, job.rejected_count) == (2, 1)
    assert Note.objects.get(title="A").links == [
        "https://crm.example/1",
        "https://tickets.example/2",
    ]
    assert Note.objects.get(title="B").links == []


@override_settings(TIME_ZONE="Europe/Berlin")
def test_received_at_zones(contributor: User) -> None:
    run_import(
        contributor,
        "notes",
        "title,received_at\nOffset,2024-03-05T12:00:00+02:00\nLocal,2024-07-01 09:30\n",
    )
    assert Note.objects.get(title="Offset").received_at == datetime(2024, 3, 5, 10, tzinfo=UTC)
    # Without a zone: the server's (summer time in Berlin is UTC+2).
    assert Note.objects.get(title="Local").received_at == datetime(2024, 7, 1, 7, 30, tzinfo=UTC)


@override_settings(TIME_ZONE="Europe/Berlin")
def test_a_large_file_is_parsed_in_a_child_process_alike(
    contributor: User, acme: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Any file this long is parsed in a child process; lowered so a small one is.
    monkeypatch.setattr(notes, "PARSE_IN_PROCESS_ROWS", 1)
    data = GOOD + "Local,,,,,,2024-07-01 09:30,11,\n"
    job = run_import(contributor, "notes", data)
    assert (job.created_count, job.rejected_count) == (3, 1)
    assert errors_by_row(job) == {5: {"customer_priority"}}
    pdf = Note.objects.get(title="PDF export")
    assert (pdf.company, pdf.submitter, pdf.customer_priority) == (acme, contributor, 8)
    assert sorted(t.name for t in pdf.tags.all()) == ["export", "pdf"]
    # The child reads dates without a zone in the importing process's zone, not its default.
    run_import(contributor, "notes", "title,received_at\nLocal,2024-07-01 09:30\n")
    assert Note.objects.get(title="Local").received_at == datetime(2024, 7, 1, 7, 30, tzinfo=UTC)


def test_hash_ignores_column_order_and_empty_columns(contributor: User) -> None:
    run_import(contributor, "notes", "title,body\nA,b\n")
    again = run_import(contributor, "notes", "body,tags,title\nb,,A\n")
    assert (again.created_count, again.skipped_count) == (0, 1)


def test_id_column_is_the_external_id(contributor: User) -> None:
    run_import(contributor, "notes", "id,title\nT-1,First\nT-2,Second\n")
    # Same ids with edited titles: still the same notes, nothing added.
    again = run_import(contributor, "notes", "id,title\nT-1,First (edited)\nT-3,Third\n")
    assert (again.created_count, again.skipped_count) == (1, 1)
    assert sorted(str(e) for e in Note.objects.values_list("external_id", flat=True)) == [
        "T-1",
        "T-2",
        "T-3",
    ]


def test_duplicate_rows_in_one_file_are_stored_once(contributor: User) -> None:
    job = run_import(contributor, "notes", "title,body\nSame,x\nSame,x\nOther,y\n")
    assert (job.created_count, job.skipped_count) == (2, 1)


def test_bad_rows_are_reported_and_left_out_whole(contributor: User) -> None:
    data = (
        "title,person_email,company_domain,customer_priority,received_at,source_url,tags\n"
        "Fine,ok@acme.com,acme.com,3,2024-01-01,https://crm.example/1,a\n"
        ",bad-email,not a domain,11,31/12/2024,ftp://x,b\n"
        "Also fine,,,,,,\n"
        "Future,new@person.com,newdomain.com,,2999-01-01,,newtag\n"
    )
    job = run_import(contributor, "notes", data)
    assert (job.created_count, job.rejected_count) == (2, 2)
    assert errors_by_row(job) == {
        3: {
            "title",
            "person_email",
            "company_domain",
            "customer_priority",
            "received_at",
            "source_url",
        },
        5: {"received_at"},
    }
    assert sorted(Note.objects.values_list("title", flat=True)) == ["Also fine", "Fine"]
    # Nothing of the rejected rows was written: not their people, companies or tags.
    assert not Person.objects.filter(email="new@person.com").exists()
    assert not Company.objects.filter(domain="newdomain.com").exists()
    assert not Tag.objects.filter(name__in=["b", "newtag"]).exists()
    messages = {e["column"]: e["message"] for e in job.errors if e["row"] == 3}
    assert "every note needs a title" in messages["title"]
    assert "ISO" in messages["received_at"]


def test_a_repeated_cell_is_read_alike_on_every_row(contributor: User) -> None:
    """The parser keeps what it made of an email, tag list or date cell for the next row
    with the same text: a bad one is reported on each row, a good one stored on each."""
    long_tag = "x" * 61
    data = (
        "title,person_email,tags,received_at\n"
        f'One,Jo@Acme.com,"a, b",2024-01-01\n'
        f"Two,bad-email,{long_tag},2024-01-01\n"
        f'Three,Jo@Acme.com,"a, b",2024-01-01\n'
        f"Four,bad-email,{long_tag},2999-01-01\n"
    )
    job = run_import(contributor, "notes", data)
    assert (job.created_count, job.rejected_count) == (2, 2)
    assert errors_by_row(job) == {
        3: {"person_email", "tags"},
        5: {"person_email", "tags", "received_at"},
    }
    messages = [(e["row"], e["message"]) for e in job.errors if e["column"] == "person_email"]
    assert messages == [(r, "'bad-email' is not an email address") for r in (3, 5)]
    for title in ("One", "Three"):
        note = Note.objects.get(title=title)
        assert note.person is not None
        assert note.person.email == "jo@acme.com"
        assert sorted(t.name for t in note.tags.all()) == ["a", "b"]


def test_why_columns_are_read_when_present_and_empty_when_absent(contributor: User) -> None:
    run_import(contributor, "notes", "title,problem\nWith,It is slow\n")
    run_import(contributor, "notes", "title\nWithout\n")
    assert Note.objects.get(title="With").problem == "It is slow"
    without = Note.objects.get(title="Without")
    assert [getattr(without, name) for name in WHY_FIELDS] == [""] * len(WHY_FIELDS)


def test_too_many_cells_rejects_the_row(contributor: User) -> None:
    job = run_import(contributor, "notes", "title,body\nok,fine\nbroken,a,b,c\n")
    assert job.created_count == 1
    assert job.errors == [
        {
            "row": 3,
            "column": "",
            "message": "has 4 cells but the header has 2 columns "
            "(a delimiter inside an unquoted value?)",
        }
    ]


def test_huge_field_is_rejected_with_a_hint(contributor: User) -> None:
    data = f'title,body\nok,fine\nbig,"{"x" * 150_000}"\n'
    job = run_import(contributor, "notes", data)
    assert job.created_count == 1
    assert job.errors[0]["row"] == 3
    assert "quote left open" in job.errors[0]["message"]


def test_person_resolution_uses_existing_people_and_extra_domains(
    contributor: User, acme: Company, globex: Company
) -> None:
    CompanyDomain.objects.create(company=acme, domain="acme.co.uk")
    Person.objects.create(email="known@globex.com", name="")
    job = run_import(
        contributor,
        "notes",
        "title,person_email,person_name\nA,uk@acme.co.uk,\nB,known@globex.com,Known Person\n"
        "C,someone@gmail.com,\n",
    )
    assert job.created_count == 3
    assert Note.objects.get(title="A").company == acme
    known = Person.objects.get(email="known@globex.com")
    # An existing person gains the name they lacked; the note follows their company.
    assert known.name == "Known Person"
    assert Note.objects.get(title="B").person == known
    assert Note.objects.get(title="C").company is None  # free-mail says nothing


def test_company_by_name_is_matched_case_insensitively(contributor: User, acme: Company) -> None:
    run_import(
        contributor, "notes", "title,company\nA,acme corp\nB,Brand New Ltd\nC,brand new ltd\n"
    )
    assert Note.objects.get(title="A").company == acme
    assert Company.objects.filter(name__iexact="brand new ltd").count() == 1
    assert Note.objects.get(title="C").company == Note.objects.get(title="B").company


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (codecs.BOM_UTF8 + b"title;body\r\nEins;zwei, drei\r\n", ("Eins", "zwei, drei")),
        (b"title\tbody\nTab;bed\tyes\n", ("Tab;bed", "yes")),
        (b'title,body\r\n"Quoted, ""title""",x\r\n', ('Quoted, "title"', "x")),
        ("title,body\nCafé,naïve\n".encode("utf-16"), ("Café", "naïve")),
        (b"title,body\rOld Mac,line endings\r", ("Old Mac", "line endings")),
    ],
    ids=["bom-semicolon-crlf", "tabs", "quotes", "utf-16", "cr-only"],
)
def test_dialects(contributor: User, data: bytes, expected: tuple[str, str]) -> None:
    job = run_import(contributor, "notes", data)
    assert job.created_count == 1, job.errors
    note = Note.objects.get()
    assert (note.title, note.body) == expected


def test_unnamed_empty_column_is_ignored_with_one_notice(contributor: User) -> None:
    job = run_import(contributor, "notes", "title,body,\nA,b,\nC,d,\n")
    assert job.created_count == 2
    assert job.notices == ["Column 3 has no name in the header: ignored."]


def test_latin1_is_read_as_windows_1252_with_a_notice(contributor: User) -> None:
    job = run_import(contributor, "notes", "title,body\nCafé crème,€5\n".encode("cp1252"))
    assert Note.objects.get().title == "Café crème"
    assert Note.objects.get().body == "€5"
    assert "not UTF-8" in job.notices[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (codecs.BOM_UTF8 + b"\r\n", "The file is empty."),
        (b"title,body\n", "no rows below it"),
        (b"title,body\n\n\n", "no rows below it"),
        (b"body,person_email\nx,y@z.com\n", "no title column"),
        (b"title,colour\nx,red\n", "Unknown column: colour. The accepted columns are: title"),
        (b"title,Title\nx,y\n", "appears more than once"),
        (b"PK\x03\x04\x14\x00\x06\x00binary", "spreadsheet workbook"),
        (b"title\x00,body\x00\n", "not a text file"),
    ],
    ids=[
        "empty",
        "bom-only",
        "header-only",
        "blank-lines",
        "no-title",
        "unknown",
        "twice",
        "xlsx",
        "nul",
    ],
)
def test_bad_files_are_refused_and_store_nothing(
    contributor: User, data: bytes, message: str
) -> None:
    with pytest.raises(CsvFileError) as err:
        do_create_import(contributor, "notes", "bad.csv", data)
    assert message in err.value.message
    assert ImportJob.objects.count() == 0
    assert Note.objects.count() == 0


def test_open_quote_swallowing_rows_is_reported(contributor: User) -> None:
    job = run_import(contributor, "notes", 'title,body\nok,fine\nx,"never closed\nmore,rows\n')
    # The open quote makes row 3 run to the end of the file: one row, imported as written.
    assert job.total_rows == 2
    assert Note.objects.get(title="x").body == "never closed\nmore,rows"


def test_too_large_upload_is_refused(contributor: User) -> None:
    with pytest.raises(CsvFileError) as err:
        do_create_import(
            contributor, "notes", "big.csv", b"title\n" + b"x\n" * 600_000, max_bytes=1_048_576
        )
    assert "at most 1 MB" in err.value.message
    assert ImportJob.objects.count() == 0


def test_viewer_cannot_import(viewer: User) -> None:
    with pytest.raises(NotAllowed):
        do_create_import(viewer, "notes", "f.csv", GOOD.encode())
    assert ImportJob.objects.count() == 0


def test_fider_export_is_read_with_its_own_columns(contributor: User) -> None:
    first = run_import(contributor, "notes", (FIDER / "one-post.csv").read_bytes(), "one-post.csv")
    assert (first.created_count, first.rejected_count) == (1, 0)
    assert any("Fider export" in n for n in first.notices)
    # The later export repeats post 10: only the two new posts are added.
    more = run_import(contributor, "notes", (FIDER / "more-posts.csv").read_bytes(), "more.csv")
    assert (more.created_count, more.skipped_count, more.rejected_count) == (2, 1, 0)
    assert sorted(str(e) for e in Note.objects.values_list("external_id", flat=True)) == [
        "fider-10",
        "fider-15",
        "fider-20",
    ]
    fast = Note.objects.get(external_id="fider-10")
    assert fast.title == "Go is fast"
    assert fast.received_at == datetime(2018, 3, 23, 19, 33, 22, tzinfo=UTC)
    assert fast.body.startswith("Very tiny description\n\nFider post #10, by Faceless, 4 votes")
    assert "Response by John Snow on 2018-04-04: Nothing we need to do" in fast.body
    assert sorted(t.name for t in fast.tags.all()) == ["easy", "ignored"]
    duplicate = Note.objects.get(external_id="fider-20")
    # Fider joins tags with ", ": a comma without a space belongs to the tag.
    assert [t.name for t in duplicate.tags.all()] == ["this-tag-has,comma"]
    assert "Duplicate of #99 “Go is very easy”." in duplicate.body


def test_a_rows_hash_stays_the_one_earlier_imports_stored() -> None:
    """Re-importing a file without ids finds its notes by this hash: it must never change."""
    cells: dict[str | None, str] = {
        "title": "Export to PDF",
        "body": "Board wants it",
        "tags": "",
        "person_email": "jo@acme.com",
        None: "x",
    }
    expected = "sha256:bd9f8939432fc4c6e40e9afec4709b55fe1873ff869d828075a01733b10ccbbf"
    assert row_hash(cells) == expected
    assert row_hash(dict(reversed(cells.items()))) == expected
    # As a file's rows are hashed: the sorted names of every column, given once per file.
    assert row_hash(cells, ["body", "person_email", "tags", "title", "zone"]) == expected


def test_a_jobs_progress_is_saved_at_most_twice_a_second(contributor: User) -> None:
    assert PROGRESS_EVERY <= 1.0  # the import page polls every second or two
    job = do_create_import(contributor, "notes", "f.csv", GOOD.encode(), background=False)
    save = _progress_saver(job.pk)
    save(Report(processed=2000))
    save(Report(processed=4000))  # right after the first: not saved
    job.refresh_from_db()
    assert job.processed_rows == 2000
    assert job.progress_at is not None


def test_a_chunk_of_rows_pickles_to_its_equal() -> None:
    """How a large file's rows reach the importer from the parsing child."""
    table = open_table(GOOD + "Bad,,,,,,not a date,,\n")
    columns = NOTE_COLUMNS.map_header(table)
    (chunk,) = parse_chunks(table, columns, False, datetime(2026, 1, 1, tzinfo=UTC), "UTC")
    assert chunk.rows
    assert chunk.rejected
    copy = pickle.loads(pickle.dumps(chunk))  # noqa: S301 - our own chunk
    assert copy == chunk
    assert {type(row) for row in copy.rows} == {tuple}
    assert copy.rows[0][1] == "PDF export"  # the title
