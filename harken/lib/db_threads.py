"""Run database work in threads, each on a connection of its own, and close them after.

PostgreSQL runs each connection's statements in one backend process, on one core. A bulk
write that keeps one backend busy leaves the machine's other cores to Python; two backends
writing different batches at once use them. Django gives every thread its own connection;
these threads close theirs when the pool is closed, so none is left open until the thread
is collected.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Self

from django.db import connections


class ConnectionThreads:
    """A pool of `count` threads for database work; use it as a context manager."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="db-writer")

    def submit[T](self, work: Callable[[], T]) -> Future[T]:
        return self.pool.submit(work)

    def close(self) -> None:
        """Wait for the work submitted, then close every thread's connections."""
        # One closing task per thread: the barrier holds each thread until all have taken
        # one, so no thread takes two and leaves another's connection open.
        barrier = threading.Barrier(self.count)

        def close_this_threads() -> None:
            connections.close_all()
            barrier.wait(timeout=60)

        closing = [self.pool.submit(close_this_threads) for _ in range(self.count)]
        for done in closing:
            done.result()
        self.pool.shutdown()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
