"""harken import notes|companies FILE: import a CSV file now, in this process."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from harken.accounts.models import User
from harken.integrations.actions import do_import_now
from harken.integrations.csv.report import Report, no_progress
from harken.integrations.models import ImportJob, ImportKind, ImportStatus
from harken.lib.errors import ActionError
from harken.lib.gc_tuning import tune_for_batch_work


class Command(BaseCommand):
    help = (
        "Import notes or companies from a CSV file (see docs/import.md). Prints what was "
        "created and every rejected row; exits with status 1 if any row was rejected."
    )

    # The system checks load every URL and API schema: about a second before the first row,
    # for problems `harken serve` and `harken migrate` report anyway.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values, help="what the file holds")
        parser.add_argument("file", type=Path, help="path of the CSV file")
        parser.add_argument(
            "--as",
            dest="username",
            default=None,
            help="username of the teammate the notes are filed by (default: none)",
        )

    def run_from_argv(self, argv: list[str]) -> None:
        # Run as `harken import`, the process is this import's alone (call_command is not).
        tune_for_batch_work()
        super().run_from_argv(argv)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        actor = None
        if options["username"]:
            actor = User.objects.filter(username=options["username"]).first()
            if actor is None:
                raise CommandError(f"No user named {options['username']!r}.")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        # On a terminal, a line that counts the rows as they go (a large file takes a minute).
        progress = self.show_progress if self.stderr.isatty() else no_progress
        try:
            finished = do_import_now(actor, options["kind"], path.name, data, progress)
        except ActionError as exc:
            raise CommandError(f"{path.name}: {exc.message} Nothing was imported.") from None
        finally:
            if progress is not no_progress:
                self.stderr.write("\r\033[K", style_func=str, ending="")  # clear the line
        self.report(finished)

    def show_progress(self, report: Report) -> None:
        share = f" ({100 * report.processed // report.total} %)" if report.total else ""
        self.stderr.write(
            f"\r\033[K{report.processed:,} of {report.total:,} rows read{share}: "
            f"{report.created:,} created, {report.rejected:,} rejected",
            style_func=str,
            ending="",
        )
        self.stderr.flush()

    def report(self, job: ImportJob) -> None:
        for notice in job.notices:
            self.stdout.write(f"Note: {notice}")
        summary = f"{job.filename}: {job.created_count:,} created"
        if job.kind == ImportKind.COMPANIES:
            summary += f", {job.updated_count:,} updated, {job.skipped_count:,} unchanged"
        else:
            summary += f", {job.skipped_count:,} skipped as already imported"
        summary += f", {job.rejected_count:,} rejected rows (of {job.total_rows:,})."
        self.stdout.write(summary)
        for error in job.errors:
            column = f" {error['column']}" if error["column"] else ""
            self.stderr.write(f"row {error['row']}{column}: {error['message']}")
        if job.rejected_count > len(job.errors):
            self.stderr.write(f"... only the first {len(job.errors)} problems are listed.")
        if job.status == ImportStatus.FAILED:
            raise CommandError(job.message)
        if job.rejected_count:
            raise CommandError(
                f"{job.rejected_count} row(s) were rejected and not imported; fix them and "
                "import the file again (rows already imported are skipped)."
            )
