"""p50/p95 of the main staff pages, through Django's full stack, on the configured database."""

from __future__ import annotations

import argparse
import json
import statistics
import time

import django

django.setup()

from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from harken.accounts.models import Role, User  # noqa: E402
from harken.customers.models import Company  # noqa: E402
from harken.inbox.models import Note  # noqa: E402
from harken.lib.gc_tuning import tune_for_serving  # noqa: E402


def measure(client: Client, path: str, repeat: int) -> dict[str, float]:
    for _ in range(3):  # warm caches and connections
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        client.get(path)
        times.append(1000 * (time.perf_counter() - t0))
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    user = User.objects.filter(role=Role.MAKER, is_active=True).first()
    if user is None:
        raise SystemExit("No product manager in the database: run bench/generate.py first.")
    client = Client()
    client.force_login(user)
    tune_for_serving()  # as harken.wsgi does in every web worker
    # The company with the most notes: the heaviest company page there is.
    biggest = (
        Company.objects.annotate(n=Count("notes")).order_by("-n").values_list("pk", flat=True)[0]
    )
    figures = {
        "notes": Note.objects.count(),
        "inbox_first_page": measure(client, "/inbox/?state=", args.repeat),
        "inbox_filtered": measure(client, "/inbox/?state=new&source=email", args.repeat),
        # No index leads with "no assignee" (note_assignee_inbox is partial): this walks the
        # inbox order and skips assigned notes.
        "inbox_unassigned": measure(client, "/inbox/?state=new&assignee=none", args.repeat),
        "inbox_search": measure(client, "/inbox/?state=&q=export", args.repeat),
        "feature_board": measure(client, "/features/", args.repeat),
        "company_page": measure(client, f"/companies/{biggest}/", args.repeat),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
