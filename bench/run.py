"""Harken's benchmark: prints its figures as JSON (and keeps a copy in bench/results/).

    HARKEN_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/harken_bench \
        .venv/bin/python bench/run.py --sizes 100000,1000000

It (re)creates the benchmark database for each size, so point it at a database you can lose.
Figures: API note creation per second under concurrent load (served as `harken serve` serves
it: granian, real HTTP), one note per request and in batches of 100 (POST
/api/v1/notes/batch); CSV import rows per second (the median of three imports, each into a
fresh database); and p50/p95 of the inbox's first page, a filtered inbox page, the feature
board and a company page, measured in-process through Django's full request stack.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from loadgen import request_bytes, run_load  # bench/loadgen.py, beside this script

from harken.web.management.commands.serve import THREADS, web_server

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/harken_bench"


def cpu_reference_us() -> float:
    """Microseconds to sum 1,000 integers: a yardstick of the machine's speed at the moment.

    Shared machines vary (this one has measured 27 to 53 us within an hour); figures from
    runs with different yardsticks are not comparable."""
    started = time.perf_counter()
    for _ in range(20_000):
        sum(range(1000))
    return round((time.perf_counter() - started) / 20_000 * 1e6, 1)


def sh(*args: str, env: dict[str, str] | None = None) -> None:
    # Their progress goes to stderr: stdout is the figures' JSON alone.
    subprocess.run(args, check=True, cwd=ROOT, env=env, stdout=sys.stderr)


def bench_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HARKEN_DATABASE_URL=url,
        HARKEN_SECRET_KEY="bench-only-secret-key-0123456789abcdefghij",
        HARKEN_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        HARKEN_LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="harken.settings",
    )
    return env


def reset_database(url: str) -> None:
    """Drop and recreate the benchmark database, then migrate it."""
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    sh(str(BIN / "harken"), "migrate", "-v0", env=bench_env(url))


def generate(url: str, notes: int, companies: int, features: int) -> float:
    started = time.perf_counter()
    sh(
        str(BIN / "python"),
        "bench/generate.py",
        "--notes",
        str(notes),
        "--companies",
        str(companies),
        "--features",
        str(features),
        env=bench_env(url),
    )
    return time.perf_counter() - started


# --- API load -------------------------------------------------------------------------------


def _note(i: int) -> dict[str, Any]:
    return {
        "title": f"Bulk export of dashboards #{i}",
        "body": "We would like to export every dashboard to PDF on a schedule.",
        "person_email": f"user{i % 500}@bench-customer-{i % 50}.com",
        "tags": ["bench"],
    }


def _requests(token: str, batch: int) -> Callable[[int], bytes]:
    """Request i's bytes: one note, or `batch` notes for /notes/batch."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def make(i: int) -> bytes:
        if batch:
            notes = [_note(i * batch + k) for k in range(batch)]
            return request_bytes(
                "/api/v1/notes/batch", json.dumps({"notes": notes}).encode(), headers
            )
        return request_bytes("/api/v1/notes", json.dumps(_note(i)).encode(), headers)

    return make


def bench_api(
    url: str, seconds: float, concurrency: int, web_workers: int, threads: int, batch: int = 0
) -> dict[str, Any]:
    env = bench_env(url)
    token = subprocess.run(
        [str(BIN / "python"), "bench/make_token.py"],
        check=True,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    ).stdout.strip()
    port = 8765
    server = subprocess.Popen(
        web_server("127.0.0.1", port, web_workers, threads),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")
                break
            except OSError:
                time.sleep(0.1)
        make = _requests(token, batch)
        status = 200 if batch else 201
        # Enough distinct requests for the run: notes without an external_id are all new.
        count = 500 if batch else 20_000
        # Warm up at full load: every request thread compiles its own plans (harken.lib.
        # compiled) on its first requests, which the figure is not about.
        run_load(port, make, count // 10, concurrency, 3.0, status)
        latencies, elapsed = run_load(port, make, count, concurrency, seconds, status)
    finally:
        server.terminate()
        server.wait()
    latencies.sort()
    notes = len(latencies) * max(batch, 1)
    return {
        "notes_per_second": round(notes / elapsed, 1),
        "notes": notes,
        "notes_per_request": max(batch, 1),
        "concurrency": concurrency,
        "web_workers": web_workers,
        "threads": threads,
        "p50_ms": round(1000 * latencies[len(latencies) // 2], 2),
        "p95_ms": round(1000 * latencies[int(len(latencies) * 0.95)], 2),
    }


# --- CSV import -----------------------------------------------------------------------------


def bench_import(url: str, rows: int, runs: int) -> dict[str, Any]:
    """Import a `rows`-row file `runs` times, each into a fresh database of 10,000 notes, and
    report the median: single runs on this machine swing by a fifth either way."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
        f.write("title,body,person_email,tags,received_at\n")
        for i in range(rows):
            f.write(
                f'Import note {i},"Body of note {i}, with a comma",'
                f'person{i % 5000}@import-{i % 300}.com,"csv,bench",2026-01-{1 + i % 28:02d}\n'
            )
        path = f.name
    times = []
    for _ in range(runs):
        reset_database(url)
        generate(url, 10_000, 1_000, 200)
        started = time.perf_counter()
        subprocess.run(
            [str(BIN / "harken"), "import", "notes", path],
            check=True,
            cwd=ROOT,
            env=bench_env(url),
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - started)
    os.unlink(path)
    median = statistics.median(times)
    return {
        "rows": rows,
        "seconds": round(median, 2),
        "rows_per_second": round(rows / median),
        "runs_rows_per_second": [round(rows / t) for t in times],
    }


# --- Pages ----------------------------------------------------------------------------------


def bench_pages(url: str, repeat: int) -> dict[str, Any]:
    out = subprocess.run(
        [str(BIN / "python"), "bench/pages.py", "--repeat", str(repeat)],
        check=True,
        cwd=ROOT,
        env=bench_env(url),
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="note counts, comma-separated")
    parser.add_argument("--companies", type=int, default=20_000)
    parser.add_argument("--features", type=int, default=2_000)
    parser.add_argument("--api-seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=THREADS, help="per web process")
    parser.add_argument("--batch-size", type=int, default=100, help="notes per batch request")
    parser.add_argument("--import-rows", type=int, default=200_000)
    parser.add_argument("--import-runs", type=int, default=3, help="imports to take the median of")
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    url = os.environ.get("HARKEN_BENCH_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("HARKEN_BENCH_DATABASE_URL must point at PostgreSQL: the targets are for it.")

    report: dict[str, Any] = {
        "machine": {
            "cores": os.cpu_count(),
            "python": sys.version.split()[0],
            "cpu_reference_us_before": cpu_reference_us(),
        },
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    reset_database(url)
    generate(url, 10_000, 1_000, 200)
    report["api_create"] = bench_api(
        url, args.api_seconds, args.concurrency, args.web_workers, args.threads
    )
    # Batches need fewer connections to keep the workers busy: each request is 100 notes.
    report["api_create_batch"] = bench_api(
        url, args.api_seconds, 4, args.web_workers, args.threads, args.batch_size
    )
    report["csv_import"] = bench_import(url, args.import_rows, args.import_runs)
    report["pages"] = {}
    for size in [int(s) for s in args.sizes.split(",") if s]:
        reset_database(url)
        seconds = generate(url, size, args.companies, args.features)
        figures = bench_pages(url, args.repeat)
        figures["generate_seconds"] = round(seconds, 1)
        report["pages"][str(size)] = figures
    report["machine"]["cpu_reference_us_after"] = cpu_reference_us()
    print(json.dumps(report, indent=2))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    (results / f"{report['when'][:10]}.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
