"""Produce the next items of an iterator in a thread while the consumer works on this one.

An import parses a batch of rows in Python while the database is idle, then writes it while
Python is idle: reading ahead overlaps the two. The producer must not use the database (it
would get a connection of its own, outside the consumer's transaction).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterable


def read_ahead[T](items: Iterable[T], depth: int = 2) -> Generator[T]:
    """Yield `items` in order; a thread produces up to `depth` of them ahead.

    An exception raised while producing is raised here, in the consumer, at its place in the
    order. Closing the generator stops the producer at its next item: close it (`closing`) when
    the consumer may stop early, as a traceback that holds it would keep the thread going.
    """
    ready: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    done = object()

    def put(ok: bool, value: object) -> bool:
        while not stop.is_set():
            try:
                ready.put((ok, value), timeout=0.05)
            except queue.Full:
                continue
            return True
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(True, item):
                    return
        except BaseException as exc:  # handed to the consumer, which raises it
            put(False, exc)
            return
        put(False, done)

    producer = threading.Thread(target=produce, name="read-ahead", daemon=True)
    producer.start()
    try:
        while True:
            ok, value = ready.get()
            if ok:
                yield value  # type: ignore[misc]
            elif value is done:
                return
            else:
                assert isinstance(value, BaseException)
                raise value
    finally:
        stop.set()
        producer.join()
