"""Turn an uploaded file into rows: encoding, delimiter, header; file-level problems.

Row numbers are the ones a spreadsheet shows: the header is row 1, the first record row 2,
and a record with a line break inside quotes is still one row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from harken.lib.errors import ActionError

# A single cell may be this large before the file is refused; per-column limits are stricter.
FIELD_LIMIT = 16 * 1024 * 1024
csv.field_size_limit(FIELD_LIMIT)

DELIMITERS = ",;\t|"
_SAMPLE_BYTES = 64 * 1024
_HEADER_KEY = re.compile(r"[\s\-./]+")


class CsvFileError(ActionError):
    """The file as a whole cannot be imported; nothing was stored."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file", code="bad_file")


def decode(data: bytes) -> tuple[str, list[str]]:
    """The file's text and any notice about how it was read.

    UTF-8 (with or without a byte-order mark) is expected. Excel's "CSV" on Windows writes
    Windows-1252, so a file that is not UTF-8 is read as that (every byte is a character in
    it, with Latin-1 for the five it leaves undefined) and the import says so.
    """
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise CsvFileError("The file is empty.")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvFileError(
            "This is a spreadsheet workbook (Excel or OpenDocument), not a CSV file: "
            "in your spreadsheet choose File > Save as > CSV UTF-8, then upload that."
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise CsvFileError("The file says it is UTF-16 but is not valid UTF-16.") from None
    if b"\x00" in data:
        raise CsvFileError(
            "This is not a text file (it contains NUL bytes): export the data as CSV UTF-8."
        )
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        position = exc.start
    try:
        text, encoding = data.decode("cp1252"), "Windows-1252 (Western European)"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps every byte.
        text, encoding = data.decode("latin-1"), "Latin-1"
    notice = (
        f"The file is not UTF-8 (byte {position + 1} is not valid UTF-8), so it was read as "
        f"{encoding}. If accented letters look wrong, save the file as CSV UTF-8 and import "
        "it again: rows already imported are skipped."
    )
    return text, [notice]


def header_key(raw: str) -> str:
    """A header cell as a column name: 'Person Email' and 'person-email' are person_email."""
    return _HEADER_KEY.sub("_", raw.strip().lower()).strip("_")


def _first_line(text: str) -> str:
    end = text.find("\n")
    return (text if end < 0 else text[:end]).rstrip("\r")


def sniff_delimiter(text: str) -> str:
    """The delimiter, judged from the header line; csv.Sniffer breaks ties on a sample."""
    header = _first_line(text)
    present = [d for d in DELIMITERS if d in header]
    if not present:
        return ","
    if len(present) == 1:
        return present[0]
    sample = text[:_SAMPLE_BYTES]
    if len(text) > _SAMPLE_BYTES and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(present)).delimiter
    except csv.Error:
        return max(present, key=header.count)


@dataclass
class Table:
    """A CSV file opened for import: its column names and a way to walk its records."""

    text: str
    delimiter: str
    header: list[str]
    notices: list[str] = field(default_factory=list)

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of each record after the header, skipping blank lines."""
        reader = csv.reader(
            io.StringIO(self.text, newline=""),
            delimiter=self.delimiter,
            skipinitialspace=True,
        )
        try:
            next(reader)
            for number, cells in enumerate(reader, start=2):
                # Blank when every cell is whitespace: one join and strip, in C, per record.
                if "".join(cells).strip():
                    yield number, cells
        except csv.Error as exc:
            raise CsvFileError(
                f"The file cannot be read as CSV near line {reader.line_num}: {exc}. "
                "Check for a quote that is opened and never closed."
            ) from None

    def count(self) -> int:
        """How many records the file has; reads it all, so a malformed file fails here."""
        return sum(1 for _ in self.records())


def open_table(text: str, notices: Sequence[str] = ()) -> Table:
    """Read the header; refuse a file with nothing to import."""
    if not text.strip():
        raise CsvFileError("The file is empty.")
    delimiter = sniff_delimiter(text)
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except (csv.Error, StopIteration):
        raise CsvFileError("The first line of the file is not a CSV header.") from None
    table = Table(text=text, delimiter=delimiter, header=[h.strip() for h in header])
    table.notices.extend(notices)
    return table


@dataclass(frozen=True)
class ColumnSpec:
    """The columns one kind of import accepts."""

    accepted: tuple[str, ...]
    required: tuple[str, ...]
    aliases: Mapping[str, str] = field(default_factory=dict)

    def map_header(self, table: Table) -> list[str | None]:
        """The column each header cell stands for; None for an unnamed column, ignored."""
        columns: list[str | None] = []
        unknown: list[str] = []
        for position, raw in enumerate(table.header, start=1):
            key = header_key(raw)
            if not key:
                columns.append(None)
                table.notices.append(f"Column {position} has no name in the header: ignored.")
                continue
            key = self.aliases.get(key, key)
            if key not in self.accepted:
                unknown.append(raw)
            columns.append(key)
        if unknown:
            raise CsvFileError(
                f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
                f"The accepted columns are: {', '.join(self.accepted)}."
            )
        named = [c for c in columns if c]
        twice = sorted({c for c in named if named.count(c) > 1})
        if twice:
            raise CsvFileError(f"The column {', '.join(twice)} appears more than once.")
        missing = [c for c in self.required if c not in named]
        if missing:
            raise CsvFileError(
                f"The file has no {' or '.join(missing)} column; the header row (first line) "
                f"must name it. The accepted columns are: {', '.join(self.accepted)}."
            )
        return columns


def cells_by_column(
    columns: Sequence[str | None], cells: Sequence[str]
) -> tuple[dict[str | None, str], str | None]:
    """A record as {column: stripped value}, or an error when it has too many cells.

    Unnamed columns end up under the key None; readers ignore it.
    """
    if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
        return {}, (
            f"has {len(cells)} cells but the header has {len(columns)} columns "
            "(a delimiter inside an unquoted value?)"
        )
    return dict(zip(columns, map(str.strip, cells), strict=False)), None
