"""Reading a notes CSV: each row validated and turned into a NoteRow tuple, in batches.

Nothing here loads Django's models or touches the database: a large file is parsed in a
child process (`harken.lib.read_ahead`) that only configures settings, which starts in a
tenth of a second where loading every app took more than half of one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from harken.customers.domains import normalize_domain
from harken.inbox.why import WHY_FIELDS
from harken.integrations.csv import fider, values
from harken.integrations.csv.reader import ColumnSpec, Table, cells_by_column
from harken.lib.bulk import datetime_converter
from harken.lib.errors import ActionError

BATCH = 2000
LONG_TEXT = 100_000

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


# A validated row, ready to be written: a plain tuple, in this order (prepare() in
# note_store unpacks it). Not a NamedTuple: a large file's rows are pickled from the parsing
# child to the importer, and a NamedTuple pickles by its class, so loading one called its
# constructor per row, in the importer, which shares its GIL with the threads writing; even
# remade from plain tuples (NoteRow._make) that was 5 µs a row, on a 35 µs-yardstick hour.
NoteRow = tuple[
    str,  # external_id
    str,  # title
    str,  # body
    str,  # source_url
    Any,  # received_at, as the database stores it (adapted once per distinct value)
    int | None,  # customer_priority
    bool,  # confidential
    Any,  # links, as the database stores it
    tuple[str, ...],  # why, in WHY_FIELDS order
    str,  # person_email
    str,  # person_name
    str,  # company_domain
    str,  # company_name
    tuple[str, ...],  # tags (the same tuple for rows with the same cell)
]


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


def row_hash(cells: dict[str | None, str], keys: list[str] | None = None) -> str:
    """A stable id for a row without one: its non-empty cells, in any column order.

    `keys`, when given, are the sorted names of every column the file's rows may have: the
    same for each row, so sorted once per file rather than once per row.
    """
    if keys is None:
        keys = sorted([k for k in cells if k])
    return hash_cells(cells, hash_prefixes(keys))


def hash_prefixes(keys: list[str]) -> list[tuple[str, str]]:
    """(key, what precedes its value in the hashed text) for `hash_cells`, made once a file."""
    return [(k, k + "\x1e") for k in keys]


def hash_cells(cells: dict[str | None, str], prefixes: list[tuple[str, str]]) -> str:
    # Keys are unique, so sorting them sorts the (key, value) pairs; a list, not a generator,
    # as this runs for every row of a file without ids.
    get = cells.get
    canonical = "\x1f".join([prefix + v for k, prefix in prefixes if (v := get(k))])
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


_NO_WHY = ("",) * len(WHY_FIELDS)


class NoteParser:
    """Validates rows; remembers what it made of cells that repeat down a file (dates, tag
    lists, emails, domains): looking one up costs a fraction of reading it again."""

    def __init__(
        self, now: datetime, tag_separator: str = ",", hash_keys: list[str] | None = None
    ) -> None:
        self.now = now
        self.tag_separator = tag_separator
        # The file's columns, sorted for row_hash; None when they vary by row (Fider's).
        self.hash_prefixes = None if hash_keys is None else hash_prefixes(hash_keys)
        # Without any of the why columns (most files), every row's are empty.
        self.has_why = hash_keys is None or not set(hash_keys).isdisjoint(WHY_FIELDS)
        # raw text -> the value as the database stores it, or the CellProblem
        self.moments: dict[str, Any] = {}
        self.tag_lists: dict[str, Any] = {}
        self.emails: dict[str, Any] = {}
        self.adapt_moment = datetime_converter()
        self.now_db = self.adapt_moment(now)
        self.domains: dict[str, Any] = {}

    def remembered(self, cache: dict[str, Any], raw: str, read: Callable[[str], Any]) -> Any:
        """`read(raw)`, or a CellProblem for the CellError it raised; kept for the next time."""
        found = cache.get(raw)
        if found is None:
            try:
                found = read(raw)
            except values.CellError as exc:
                found = CellProblem(str(exc))
            if len(cache) < 100_000:
                cache[raw] = found
        return found

    def hash(self, cells: dict[str | None, str]) -> str:
        if self.hash_prefixes is None:
            return row_hash(cells)
        return hash_cells(cells, self.hash_prefixes)

    def moment(self, raw: str) -> Any:
        """The date in database form, or the CellProblem with it."""
        return self.remembered(
            self.moments, raw, lambda raw: self.adapt_moment(values.moment(raw, self.now))
        )

    def tag_list(self, raw: str) -> Any:
        """The cell's tag names as a tuple (shared by the rows with this cell), or the
        CellProblem with it."""
        return self.remembered(
            self.tag_lists, raw, lambda raw: tuple(values.tag_list(raw, self.tag_separator))
        )

    def domain(self, raw: str) -> Any:
        """The domain as stored, or the CellProblem with it."""
        return self.remembered(self.domains, raw, _read_domain)

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
        why = tuple([get(name, "") for name in WHY_FIELDS]) if self.has_why else _NO_WHY
        if len(body) > LONG_TEXT or max(map(len, why)) > LONG_TEXT:
            for name, text in (("body", body), *zip(WHY_FIELDS, why, strict=True)):
                if len(text) > LONG_TEXT:
                    problems.append((name, _too_long(text)))
        received_at = self.now_db
        # A cell with a problem rejects the row, so the value _kept answers then is never used.
        if raw := get("received_at"):
            received_at = _kept(self.moment(raw), "received_at", problems)
        priority = None
        confidential = False
        source_url = get("source_url", "")
        person_email = get("person_email", "")
        tags: tuple[str, ...] = ()
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
        if person_email:
            email = self.remembered(self.emails, person_email, values.email)
            person_email = _kept(email, "person_email", problems)
        if raw := get("tags"):
            tags = _kept(self.tag_list(raw), "tags", problems)
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
            company_domain = _kept(self.domain(raw), "company_domain", problems)
        if problems:
            return problems
        return (
            external_id or self.hash(cells),
            title,
            body,
            source_url,
            received_at,
            priority,
            confidential,
            # JSON text, which both databases take for the column as it is written (PostgreSQL
            # by COPY): Django's adapter would wrap it for psycopg to encode once per row.
            json.dumps(links) if links else "[]",
            why,
            person_email,
            person_name,
            company_domain,
            company_name,
            tags,
        )


def _kept(found: Any, column: str, problems: list[tuple[str, str]]) -> Any:
    """`found`, or None with its problem noted under `column` if it is a CellProblem."""
    if isinstance(found, CellProblem):
        problems.append((column, found.message))
        return None
    return found


def _read_domain(raw: str) -> str:
    try:
        return normalize_domain(raw)
    except ActionError as exc:
        raise values.CellError(exc.message) from None


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
    # A Fider export's cells are renamed row by row (fider.to_note_values); a file's own
    # columns are the same for every row.
    hash_keys = None if is_fider else sorted({c for c in columns if c})
    parser = NoteParser(now, fider.TAG_SEPARATOR if is_fider else ",", hash_keys)
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
        external_id = parsed[0]
        if external_id in seen:
            chunk.skipped += 1  # the same note twice in one file
            continue
        seen.add(external_id)
        chunk.rows.append(parsed)
    yield chunk
