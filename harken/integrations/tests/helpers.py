"""Running imports in tests: through the same actions the page and the command use."""

from __future__ import annotations

from pathlib import Path

from harken.accounts.models import User
from harken.integrations.actions import do_create_import, do_run_import
from harken.integrations.models import ImportJob

# The shared real-world data lives beside the repository, never inside it.
SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"
FIDER = SHARED / "fider"


def run_import(actor: User | None, kind: str, data: bytes | str, name: str = "f.csv") -> ImportJob:
    """Check, store and run an import inline; the finished job."""
    raw = data.encode() if isinstance(data, str) else data
    job = do_create_import(actor, kind, name, raw, background=False)
    finished = do_run_import(job.pk)
    assert finished is not None
    return finished


def errors_by_row(job: ImportJob) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for error in job.errors:
        found.setdefault(error["row"], set()).add(error["column"])
    return found
