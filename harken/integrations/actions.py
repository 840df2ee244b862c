"""CSV imports: check the file, store the job, run it (in the worker, or inline for the CLI)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from harken.accounts.access import require_role
from harken.accounts.models import Role, User
from harken.audit.actions import audit
from harken.integrations.csv.companies import CompanyImport
from harken.integrations.csv.notes import NoteImport
from harken.integrations.csv.reader import CsvFileError, Table, decode, open_table
from harken.integrations.csv.report import Progress, Report, no_progress
from harken.integrations.models import ImportJob, ImportKind, ImportStatus
from harken.lib.errors import ActionError

logger = logging.getLogger(__name__)


def _importer(kind: str, table: Table, actor: User | None) -> NoteImport | CompanyImport:
    if kind == ImportKind.NOTES:
        return NoteImport(table, actor)
    return CompanyImport(table, actor)


def check_upload_size(size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise CsvFileError(
            f"The file is {size / 1_048_576:.1f} MB; at most {max_bytes // 1_048_576} MB "
            "can be uploaded. Split it, or have an administrator run `harken import` on the "
            "server."
        )


def check_import_file(
    kind: str, data: bytes, max_bytes: int | None = None
) -> tuple[Table, int, list[str]]:
    """Refuse a file that cannot be imported at all; else its table, rows, decoding notes."""
    table, notices, _ = _open_import(kind, data, None, max_bytes)
    return table, _count_rows(table), notices


def _open_import(
    kind: str, data: bytes, actor: User | None, max_bytes: int | None = None
) -> tuple[Table, list[str], NoteImport | CompanyImport]:
    """The file's table, decoding notes and importer; refuses a bad kind, size or header."""
    if kind not in ImportKind.values:
        raise ActionError(
            f"Import kind must be one of: {', '.join(ImportKind.values)}.", field="kind"
        )
    check_upload_size(len(data), max_bytes)
    text, notices = decode(data)
    # A copy: reading the header adds notices of its own, which the run adds again.
    table = open_table(text, list(notices))
    importer = _importer(kind, table, actor)  # checks the header: unknown, duplicate, missing
    return table, notices, importer


def _count_rows(table: Table) -> int:
    """The file's rows; reads it all, so a file that is not CSV throughout is refused here."""
    rows = table.count()
    if rows == 0:
        raise CsvFileError("The file has a header row but no rows below it: nothing to import.")
    return rows


def do_create_import(
    actor: User | None,
    kind: str,
    filename: str,
    data: bytes,
    *,
    max_bytes: int | None = None,
    background: bool = True,
) -> ImportJob:
    """Store an import job for a checked file; the worker runs it after commit."""
    if actor is not None:
        require_role(actor, Role.CONTRIBUTOR, "import CSV files")
    table, rows, notices = check_import_file(kind, data, max_bytes)
    with transaction.atomic():
        job = ImportJob.objects.create(
            kind=kind,
            filename=filename[:255] or "upload.csv",
            content=table.text,
            total_rows=rows,
            notices=notices,
            created_by=actor,
        )
        if background:
            from harken.integrations.tasks import run_import

            transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


# A job's progress is saved at most this often (seconds): each save is a commit, which waits
# for the disk, and between batches of a large import that wait was a tenth of its time. The
# progress bar polls every second or two; the finished job is saved whole regardless.
PROGRESS_EVERY = 0.5


def _progress_saver(job_id: int, also: Progress = no_progress) -> Progress:
    """Saves the report's counts on the job at most every PROGRESS_EVERY seconds, and then
    tells `also` (harken import's terminal line)."""
    last = -PROGRESS_EVERY

    def save(report: Report) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY:
            last = now
            _save_progress(job_id, report)
            also(report)

    return save


def _save_progress(job_id: int, report: Report) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        progress_at=timezone.now(),
        processed_rows=report.processed,
        created_count=report.created,
        updated_count=report.updated,
        skipped_count=report.skipped,
        rejected_count=report.rejected,
    )


def do_run_import(job_id: int) -> ImportJob | None:
    """Run a pending job to the end; None when it is gone or another worker has it."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, progress_at=timezone.now()
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    # Progress is saved after every batch; without the file in the row, those updates stay
    # small (SQLite rewrites a whole row on update).
    text = job.content
    ImportJob.objects.filter(pk=job_id).update(content="")
    # Notices from reading the upload (its encoding) were kept on the job.
    return _run_job(job, lambda: _importer(job.kind, open_table(text, job.notices), job.created_by))


def do_import_now(
    actor: User | None, kind: str, filename: str, data: bytes, progress: Progress = no_progress
) -> ImportJob:
    """Check a file, record its job and run it here, now: `harken import`, which shows its
    `progress` on a terminal.

    The same checks, job and report as `do_create_import` and then `do_run_import`, less two
    costs of a large file: the file is not stored in the job, as nothing else will read it,
    and a notes file's rows are being parsed (in a child process, for a large one) while
    they are counted and the job is recorded; those took a second of a 200,000-row import.
    """
    if actor is not None:
        require_role(actor, Role.CONTRIBUTOR, "import CSV files")
    table, notices, importer = _open_import(kind, data, actor)
    if isinstance(importer, NoteImport):
        importer.start(table.text.count("\n"))  # about the rows: enough to choose how to read
    try:
        job = ImportJob.objects.create(
            kind=kind,
            filename=filename[:255] or "upload.csv",
            total_rows=_count_rows(table),
            notices=notices,
            created_by=actor,
            status=ImportStatus.RUNNING,
            progress_at=timezone.now(),
        )
        return _run_job(job, lambda: importer, progress)
    finally:
        if isinstance(importer, NoteImport):
            importer.close()  # a file refused by the count leaves its parsing child running


def _run_job(
    job: ImportJob,
    importer_for: Callable[[], NoteImport | CompanyImport],
    progress: Progress = no_progress,
) -> ImportJob:
    """Run a claimed job's import to the end, recording how it ended on the job."""
    actor = job.created_by
    report: Report | None = None
    try:
        if actor is not None:
            # The uploader may have lost the right since; the import acts in their name.
            require_role(actor, Role.CONTRIBUTOR, "import CSV files")
        importer = importer_for()
        importer.progress = _progress_saver(job.pk, progress)
        report = importer.report
        importer.run(total=job.total_rows or None)
    except ActionError as exc:
        _finish(job, actor, ImportStatus.FAILED, report, exc.message)
    except Exception:
        logger.exception("Import job %s failed", job.pk)
        message = (
            "The import stopped on an unexpected error; the batches imported before it are "
            "kept, and importing the file again skips them. Tell your administrator."
        )
        _finish(job, actor, ImportStatus.FAILED, report, message)
    else:
        _finish(job, actor, ImportStatus.DONE, report, "")
    job.refresh_from_db()
    return job


ABANDONED_MESSAGE = (
    "The worker running this import stopped before it finished. The batches imported before "
    "that are kept: upload the file again and they are skipped, the rest are imported."
)


def do_fail_abandoned_imports(job_id: int | None = None) -> int:
    """Mark running imports whose worker is gone as failed; returns how many."""
    running = ImportJob.objects.filter(status=ImportStatus.RUNNING)
    if job_id is not None:
        running = running.filter(pk=job_id)
    failed = 0
    for job in running.select_related("created_by"):
        if job.abandoned:
            _finish(job, None, ImportStatus.FAILED, None, ABANDONED_MESSAGE)
            failed += 1
    return failed


def _finish(
    job: ImportJob, actor: User | None, status: ImportStatus, report: Report | None, message: str
) -> None:
    with transaction.atomic():
        job.status = status
        job.message = message
        job.finished_at = timezone.now()
        fields = ["status", "message", "finished_at"]
        if report is not None:
            job.processed_rows = report.processed
            job.created_count = report.created
            job.updated_count = report.updated
            job.skipped_count = report.skipped
            job.rejected_count = report.rejected
            job.errors = list(report.errors)
            job.notices = [*report.notices, *_made(report)]
            fields += [
                "processed_rows",
                "created_count",
                "updated_count",
                "skipped_count",
                "rejected_count",
                "errors",
                "notices",
            ]
        job.save(update_fields=fields)
        audit(
            actor,
            "import.finished" if status == ImportStatus.DONE else "import.failed",
            job,
            {
                "kind": job.kind,
                "filename": job.filename,
                "created": job.created_count,
                "updated": job.updated_count,
                "skipped": job.skipped_count,
                "rejected": job.rejected_count,
                **({"message": message} if message else {}),
                **(report.made if report is not None else {}),
            },
        )


def _made(report: Report) -> list[str]:
    return [f"{n} {what} created for the imported rows." for what, n in report.made.items()]
