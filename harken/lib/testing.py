"""Test helpers: code that concurrent writers run at once, and requests served by the WSGI
application production serves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from threading import Barrier

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction


@contextmanager
def connection_kept() -> Iterator[None]:
    """Requests served meanwhile keep the database connection open, as Django's test client
    arranges: a request's end would otherwise close the connection that holds the test's
    transaction (on PostgreSQL; Django never closes SQLite's in-memory test database)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


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
