"""What an import did: counts, notices and the per-row error report."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

# The report keeps this many row errors; the count of rejected rows stays exact beyond it.
MAX_ERRORS = 1000


class RowError(TypedDict):
    row: int
    column: str
    message: str


@dataclass
class Report:
    total: int = 0
    processed: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # Side effects worth telling: people and companies created for the rows.
    made: dict[str, int] = field(default_factory=dict)

    def reject(self, row: int, problems: Sequence[tuple[str, str]]) -> None:
        """The row is left out entirely; each of its problems is reported."""
        self.rejected += 1
        for column, message in problems:
            if len(self.errors) < MAX_ERRORS:
                self.errors.append({"row": row, "column": column, "message": message})

    def count_made(self, what: str, n: int) -> None:
        if n:
            self.made[what] = self.made.get(what, 0) + n

    @property
    def errors_truncated(self) -> bool:
        return len(self.errors) >= MAX_ERRORS


Progress = Callable[[Report], None]


def no_progress(report: Report) -> None:
    return None
