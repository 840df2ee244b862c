"""harken worker: run background tasks (imports, notifications, escalations) from the database."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from harken.lib.gc_tuning import tune_for_batch_work


class Command(BaseCommand):
    help = (
        "Run the background worker (django-tasks-db's db_worker) on every queue. Run one or "
        "more next to the web server; `harken serve` starts one for you."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--queue",
            default="*",
            help="queues to work on, comma-separated (default: all)",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to wait when the queue is empty (default: 1)",
        )
        parser.add_argument(
            "--batch", action="store_true", help="run the tasks that are due, then exit"
        )
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="exit after this many tasks"
        )

    def run_from_argv(self, argv: list[str]) -> None:
        # Run as `harken worker` (or by `harken serve`), the process is the worker's alone.
        tune_for_batch_work()
        super().run_from_argv(argv)

    def handle(self, *args: Any, **options: Any) -> None:
        worker_options: dict[str, Any] = {
            "queue_name": options["queue"],
            "interval": options["interval"],
            "batch": options["batch"],
            # The tasks are Harken's own: code reloading is for development only.
            "reload": False,
            "verbosity": options["verbosity"],
        }
        from harken.integrations.actions import do_fail_abandoned_imports

        # Imports whose worker died long ago show as failed, with what to do, from now on.
        do_fail_abandoned_imports()
        if options["max_tasks"] is not None:
            worker_options["max_tasks"] = options["max_tasks"]
        call_command("db_worker", **worker_options)
