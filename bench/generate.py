"""Fill a database with generated Harken data for benchmarks.

    HARKEN_DATABASE_URL=postgresql://... python bench/generate.py --notes 1000000 \
        --companies 20000 --features 2000

Uses the demo generator (harken/demo): believable teams, roadmap, companies, people, notes
and links, written in bulk (COPY on PostgreSQL). Adds to what the database holds; run it
while nothing else writes to it. The database is migrated first.
"""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=2_000)
    parser.add_argument("--features", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if min(args.notes, args.companies, args.features) < 0:
        parser.error("--notes, --companies and --features must be 0 or more")

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harken.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from harken.demo.generate import DemoSize, generate

    call_command("migrate", interactive=False, verbosity=0)
    if connection.vendor == "sqlite":
        # A throwaway benchmark database: durability matters less than filling it quickly.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA cache_size = -262144")
    print(f"Generating into {connection.vendor} ({connection.settings_dict['NAME']})...")
    started = time.perf_counter()
    stats = generate(
        DemoSize(
            notes=args.notes, companies=args.companies, features=args.features, seed=args.seed
        ),
        say=lambda message: print(message, flush=True),
    )
    seconds = time.perf_counter() - started
    # Fresh statistics: without them the planner guesses a bulk-filled table is tiny and
    # picks hash joins and sorts over the inbox indexes. On PostgreSQL also VACUUM, as
    # autovacuum would soon after: otherwise the first reads of each new row write its hint
    # bits, and an autovacuum of a million fresh rows can start in the middle of the page runs.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    rows = sum(stats.counts.values())
    made = ", ".join(f"{n:,} {what}" for what, n in stats.counts.items())
    print(f"Done in {seconds:.1f}s: {made}.")
    print(
        f"{stats.counts.get('notes', 0) / seconds:,.0f} notes/s, {rows / seconds:,.0f} rows/s "
        "(all tables)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
