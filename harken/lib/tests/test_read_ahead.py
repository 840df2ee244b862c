"""read_ahead and read_ahead_in_process: items in order, errors at their place, and no
thread or process left behind."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from harken.lib.read_ahead import read_ahead, read_ahead_in_process


def test_yields_every_item_in_order() -> None:
    assert list(read_ahead(range(1000))) == list(range(1000))
    assert list(read_ahead([])) == []


def test_an_error_while_producing_is_raised_after_the_items_before_it() -> None:
    def items() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("row 3 is broken")

    reader = read_ahead(items())
    assert [next(reader), next(reader)] == [1, 2]
    with pytest.raises(ValueError, match="row 3 is broken"):
        next(reader)


def test_stopping_early_stops_the_producer() -> None:
    produced: list[int] = []

    def items() -> Iterator[int]:
        for i in range(10_000):
            produced.append(i)
            yield i

    reader = read_ahead(items(), depth=2)
    assert next(reader) == 0
    reader.close()
    assert not any(t.name == "read-ahead" for t in threading.enumerate())
    # It got at most the queue's depth, plus the one in hand, ahead of the consumer.
    assert len(produced) <= 4


def test_the_consumer_raising_stops_the_producer() -> None:
    def consume() -> None:
        for _ in read_ahead(iter(range(10_000))):
            raise RuntimeError("the write failed")

    with pytest.raises(RuntimeError):
        consume()
    assert not any(t.name == "read-ahead" for t in threading.enumerate())


# Producers for read_ahead_in_process: the child imports them by name.


def numbers(count: int) -> Iterator[int]:
    yield from range(count)


def broken_at_three() -> Iterator[int]:
    yield 1
    yield 2
    raise ValueError("row 3 is broken")


def unpicklable_error() -> Iterator[int]:
    yield 1
    raise ValueError(lambda: None)  # a lambda does not pickle


def dying() -> Iterator[int]:
    yield 1
    os._exit(3)


def endless_recording_pid(path: str) -> Iterator[int]:
    Path(path).write_text(str(os.getpid()))
    i = 0
    while True:
        yield i
        i += 1


HERE = __name__


def test_in_process_yields_every_item_in_order() -> None:
    assert list(read_ahead_in_process(f"{HERE}:numbers", 5000)) == list(range(5000))
    assert list(read_ahead_in_process(f"{HERE}:numbers", 0)) == []


def test_in_process_an_error_is_raised_after_the_items_before_it() -> None:
    reader = read_ahead_in_process(f"{HERE}:broken_at_three")
    assert [next(reader), next(reader)] == [1, 2]
    with pytest.raises(ValueError, match="row 3 is broken"):
        next(reader)


def test_in_process_an_error_that_does_not_pickle_is_told_in_words() -> None:
    reader = read_ahead_in_process(f"{HERE}:unpicklable_error")
    assert next(reader) == 1
    with pytest.raises(RuntimeError, match="ValueError: <function"):
        next(reader)


def test_in_process_a_child_that_dies_is_an_error_not_an_end() -> None:
    reader = read_ahead_in_process(f"{HERE}:dying")
    assert next(reader) == 1
    with pytest.raises(RuntimeError, match="stopped \\(exit status 3\\)"):
        next(reader)


def test_in_process_closing_ends_the_child(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    reader = read_ahead_in_process(f"{HERE}:endless_recording_pid", str(pid_file))
    assert [next(reader), next(reader)] == [0, 1]
    reader.close()
    # Ended and reaped: no such process any more.
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


def test_in_process_the_child_starts_before_the_first_item_and_closing_ends_it(
    tmp_path: Path,
) -> None:
    pid_file = tmp_path / "pid"
    with read_ahead_in_process(f"{HERE}:endless_recording_pid", str(pid_file)):
        # Nothing asked for yet, and the child is already producing.
        deadline = time.monotonic() + 30
        while not pid_file.exists() or not pid_file.read_text():
            assert time.monotonic() < deadline, "the child did not start"
            time.sleep(0.05)
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


def test_in_process_the_child_imports_this_harken_not_one_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoy = tmp_path / "harken"
    decoy.mkdir()
    (decoy / "__init__.py").write_text("raise ImportError('the wrong harken')\n")
    monkeypatch.chdir(tmp_path)
    assert list(read_ahead_in_process(f"{HERE}:numbers", 3)) == [0, 1, 2]
