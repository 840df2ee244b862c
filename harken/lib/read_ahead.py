"""Produce the next items of an iterator while the consumer works on this one.

An import parses a batch of rows in Python while the database is idle, then writes it while
Python is idle: reading ahead overlaps the two. The producer must not use the database (it
would get a connection of its own, outside the consumer's transaction).

`read_ahead` produces in a thread, which costs nothing to start. But the thread shares the
GIL: each time the database answers, the consumer waits for the producer to let go of it (up
to the 5 ms switch interval), and the database idles meanwhile. For a large file that wait
cost more than the parsing it overlapped. `read_ahead_in_process` produces in a child
process instead, which takes a fraction of a second to start.
"""

from __future__ import annotations

import importlib
import os
import pickle
import queue
import subprocess
import sys
import threading
from collections.abc import Generator, Iterable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from harken.lib.gc_tuning import tune_for_batch_work


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


def read_ahead_in_process(target: str, *args: object) -> InProcessReader:
    """The items of `target(*args)`, produced in a child process, in order.

    `target` is "module:function". The child is a fresh interpreter, never a fork of a
    process that holds database connections and threads, and it is started as this module
    rather than through multiprocessing's spawn, which would re-run the parent's main script.
    It configures Django with this process's settings as they are now (not by reading the
    settings module and the environment again) but does not load the apps, which took more
    than half a second: the function's module must not import models, and must not use the
    database. Arguments and items are pickled. The child works at most one item ahead,
    blocked on the pipe. An exception raised while producing is raised here at its place in
    the order; closing the reader ends the child.

    The child starts at once, not at the first item: the caller can do other work (count a
    file's rows, record a job) while the child starts and produces its first item.
    """
    return InProcessReader(target, args)


class InProcessReader(Iterator[Any]):
    """The consuming end of `read_ahead_in_process`; close it (or use it in `with`)."""

    def __init__(self, target: str, args: tuple[object, ...]) -> None:
        args_in, args_out = os.pipe()
        items_in, items_out = os.pipe()
        # The child must import this very copy of Harken: -P keeps the working directory
        # (which may hold another checkout) off its path, and the path to this copy goes first.
        here = str(Path(__file__).resolve().parents[2])
        path = [here, *[p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
        self.child = subprocess.Popen(  # noqa: S603 - this interpreter, this module, two fds
            [sys.executable, "-P", "-m", __name__, str(args_in), str(items_out)],
            pass_fds=(args_in, items_out),
            env=env,
        )
        os.close(args_in)
        os.close(items_out)
        self.receive = Connection(items_in, writable=False)
        self.done = False
        try:
            with Connection(args_out, readable=False) as send:
                send.send((target, args, _current_settings()))
        except BaseException:
            self.close()
            raise

    def __next__(self) -> Any:
        if self.done:
            raise StopIteration
        try:
            ok, value = self.receive.recv()
        except EOFError:
            self.child.wait()
            self.close()
            raise RuntimeError(
                f"The process reading ahead stopped (exit status {self.child.returncode})."
            ) from None
        if ok:
            return value
        self.close()
        if value is None:
            raise StopIteration
        raise value

    def close(self) -> None:
        """End the child (if it has not ended) and reap it; the reader yields no more."""
        self.done = True
        self.receive.close()
        if self.child.poll() is None:
            self.child.terminate()
        self.child.wait()

    def __enter__(self) -> InProcessReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _current_settings() -> dict[str, Any]:
    """This process's Django settings, those that pickle (all of Harken's do)."""
    from django.conf import settings

    found = {}
    for name in dir(settings):
        if name.isupper():
            value = getattr(settings, name)
            try:
                pickle.dumps(value)
            except Exception:  # noqa: S112 - a setting that does not pickle keeps its default
                continue
            found[name] = value
    return found


def _produce_in_child(args_in: int, items_out: int) -> None:
    with Connection(args_in, writable=False) as receive:
        target, args, settings_ = receive.recv()
    send = Connection(items_out, readable=False)
    try:
        from django.conf import settings

        settings.configure(**settings_)
        module, _, name = target.partition(":")
        produce = getattr(importlib.import_module(module), name)
        tune_for_batch_work()  # this process only produces the items
        for item in produce(*args):
            send.send((True, item))
        send.send((False, None))
    except (BrokenPipeError, ConnectionResetError):
        return  # the consumer has stopped reading
    except BaseException as exc:
        try:
            send.send((False, exc))
        except (BrokenPipeError, ConnectionResetError):
            return
        except Exception:  # the exception does not pickle: send what it says
            send.send((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


if __name__ == "__main__":
    _produce_in_child(int(sys.argv[1]), int(sys.argv[2]))
