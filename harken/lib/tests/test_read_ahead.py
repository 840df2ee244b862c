"""read_ahead: items in order, errors at their place, and no thread left behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from harken.lib.read_ahead import read_ahead


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
