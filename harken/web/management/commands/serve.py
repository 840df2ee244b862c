"""harken serve: the web server (granian) and one background worker, as one command.

Granian rather than gunicorn: its HTTP work is done in Rust, outside Python's GIL, and it
keeps connections alive. Measured with 16 clients filing notes through the API (everything
but the storing), its eight threads a process cost 1.1 ms of CPU a request where gunicorn's
threaded workers cost 1.8 ms and its one-request-at-a-time workers 1.3 ms. Threads also let
requests served at once store their notes together (harken.lib.group_commit); see the
README's Performance.

Both run as child processes in their own process groups, so a Ctrl-C in the terminal reaches
only this supervisor, which passes SIGINT/SIGTERM on once. When either child ends, the other
is stopped and `serve` exits, so a process manager restarts the pair rather than running a
web server whose worker died (or the reverse).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

# How long children get to finish their requests and current task before being killed.
GRACE_SECONDS = 30
# Requests each web process serves at once. More threads make larger groups of notes to
# store together, and cost some CPU in handing Python's GIL around: with 64 clients filing
# notes, 32 measured best of 16, 32 and 48. Each thread may hold a database connection:
# 2 processes of 32 stay within PostgreSQL's default of 100 connections.
THREADS = 32


def web_server(
    host: str, port: int, workers: int, threads: int, access_log: bool = False
) -> list[str]:
    """The command that serves harken.wsgi (the benchmark runs the same).

    No access log unless asked for, as gunicorn's and granian's own defaults: a proxy in
    front usually keeps one, and granian formats each line through Python's logging while
    holding the GIL, about 0.1 ms of CPU a request (a tenth of a filed note's).
    """
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--workers-kill-timeout",
        str(GRACE_SECONDS),
        *(["--access-log"] if access_log else []),
        "harken.wsgi:application",
    ]


class Command(BaseCommand):
    help = (
        "Run Harken: granian serving harken.wsgi plus one `harken worker`. On SQLite (the "
        "embedded default) the database is migrated first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="web server processes")
        parser.add_argument(
            "--threads", type=int, default=THREADS, help="request threads per web process"
        )
        parser.add_argument(
            "--access-log",
            action="store_true",
            help="log every request to standard output (off by default, as a proxy in "
            "front usually logs them)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="serve web requests only (run `harken worker` elsewhere)",
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="do not apply database migrations on start (SQLite only does)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be 1 or more.")
        if settings.EMBEDDED and not options["no_migrate"]:
            # One command for the embedded default: an upgrade needs no separate step.
            call_command("migrate", interactive=False, verbosity=0)
        # Whitenoise serves from STATIC_ROOT (compressed copies) and warns when it is
        # missing; collecting takes a second and keeps the served files current.
        call_command("collectstatic", interactive=False, verbosity=0)
        commands = [
            web_server(
                options["host"],
                options["port"],
                options["workers"],
                options["threads"],
                options["access_log"],
            )
        ]
        if not options["no_worker"]:
            commands.append([sys.executable, "-m", "harken.cli", "worker"])
        self.stdout.write(
            f"Harken on http://{options['host']}:{options['port']}/"
            + ("" if options["no_worker"] else " with a background worker")
            + " (Ctrl-C stops both)."
        )
        self.stdout.flush()
        connections.close_all()  # the children open their own
        sys.exit(supervise(commands))


def supervise(commands: list[list[str]]) -> int:
    """Run the commands until one ends or a signal comes; the exit status to use."""
    # Our own interpreter running our own modules; nothing comes from outside.
    children = [subprocess.Popen(cmd, start_new_session=True) for cmd in commands]  # noqa: S603
    names = {child.pid: " ".join(cmd[2:4]) for child, cmd in zip(children, commands, strict=True)}
    received: list[int] = []

    def forward(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        ended = None
        while ended is None and not received:
            ended = next((c for c in children if c.poll() is not None), None)
            time.sleep(0.2)
        if ended is not None and not received:
            print(
                f"harken serve: {names[ended.pid]} exited with status "
                f"{ended.returncode}; stopping the rest.",
                file=sys.stderr,
            )
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if received:
        return 0
    assert ended is not None
    return ended.returncode or 1
