"""harken demo [--reset]: load the demo installation once, then print its logins."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from harken.demo.generate import DemoSize
from harken.demo.load import load_demo, logins
from harken.lib.errors import ActionError


class Command(BaseCommand):
    help = (
        "Load a realistic demo (Lumen, a B2B analytics product: teams, roadmap, customers, "
        "feedback) into an empty installation, then print the demo logins."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="replace a loaded demo with a fresh one"
        )
        parser.add_argument("--notes", type=int, default=DemoSize.notes)
        parser.add_argument("--companies", type=int, default=DemoSize.companies)
        parser.add_argument("--features", type=int, default=DemoSize.features)
        parser.add_argument("--seed", type=int, default=DemoSize.seed)

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = int(options["verbosity"])
        if min(options["notes"], options["companies"], options["features"]) < 0:
            raise CommandError("--notes, --companies and --features must be 0 or more.")
        call_command("migrate", interactive=False, verbosity=0)
        size = DemoSize(
            notes=options["notes"],
            companies=options["companies"],
            features=options["features"],
            seed=options["seed"],
        )
        try:
            stats = load_demo(size, reset=options["reset"], say=self.progress)
        except ActionError as exc:
            raise CommandError(exc.message) from None
        if stats is None:
            self.stdout.write("The demo is loaded already (use --reset to load it afresh).")
        else:
            made = ", ".join(f"{n:,} {what}" for what, n in stats.counts.items())
            self.stdout.write(f"Loaded the demo in {stats.seconds:.1f}s: {made}.")
        self.stdout.write("\nSign in as:")
        for username, password, does in logins():
            self.stdout.write(f"  {username:<8} {password:<12} {does}")

    def progress(self, message: str) -> None:
        if self.verbosity > 1:
            self.stdout.write(message)
