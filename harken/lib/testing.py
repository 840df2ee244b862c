"""Test helpers for code that concurrent writers run at once."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.db import close_old_connections, connection, transaction


def writers_at_once[T](work: Callable[[], T], writers: int = 4) -> list[T]:
    """`work()` in `writers` real threads released together, each in a transaction on a
    connection of its own, as concurrent requests or imports run it; their results.

    For a test marked `django_db(transaction=True)`. Skips on SQLite: its write transactions
    take the lock as they begin (IMMEDIATE), so one writer's look and insert cannot straddle
    another's, and the test suite's in-memory database refuses a second writer outright
    instead of making it wait.
    """
    if connection.vendor == "sqlite":
        pytest.skip("SQLite writers never overlap")
    start = Barrier(writers)

    def run(_: int) -> T:
        try:
            start.wait()
            with transaction.atomic():
                return work()
        finally:
            close_old_connections()
            connection.close()

    with ThreadPoolExecutor(writers) as pool:
        return list(pool.map(run, range(writers)))
