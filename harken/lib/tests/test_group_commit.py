"""GroupCommit: callers that arrive while one writes are written together, by one of them."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from harken.lib.group_commit import GroupCommit


class Writes:
    """write_one / write_many that record what they wrote and can be held at the first write."""

    def __init__(self) -> None:
        self.alone: list[int] = []
        self.groups: list[list[int]] = []
        self.threads: list[str] = []
        self.holding = threading.Event()  # set while the first write is held
        self.release = threading.Event()
        self.fail_groups = False
        self.refuse: set[int] = set()
        self._held = False

    def _hold_first(self) -> None:
        if not self._held:
            self._held = True
            self.holding.set()
            assert self.release.wait(10)

    def one(self, item: int) -> str:
        self.threads.append(threading.current_thread().name)
        self._hold_first()
        if item in self.refuse:
            raise ValueError(f"refused {item}")
        self.alone.append(item)
        return f"one:{item}"

    def many(self, items: Sequence[int]) -> list[str]:
        self.threads.append(threading.current_thread().name)
        self._hold_first()
        if self.fail_groups:
            raise RuntimeError("the group failed")
        self.groups.append(list(items))
        return [f"many:{item}" for item in items]


def _line_up(
    commit: GroupCommit[int, str], pool: ThreadPoolExecutor, items: list[int], waiting: int
) -> list[Future[str]]:
    """Submit `items` one by one, each once the ones before are writing or in line."""
    futures = []
    for item in items:
        futures.append(pool.submit(commit, item))
        deadline = time.monotonic() + 10
        while len(commit._line) < min(len(futures) - 1, waiting):
            assert time.monotonic() < deadline, "the callers did not line up"
            time.sleep(0.001)
    return futures


def _run(
    writes: Writes, items: list[int], limit: int = 100
) -> tuple[GroupCommit[int, str], list[Future[str]]]:
    commit = GroupCommit(writes.one, writes.many, limit=limit)
    with ThreadPoolExecutor(len(items)) as pool:
        first = pool.submit(commit, items[0])
        assert writes.holding.wait(10)
        futures = [first, *_line_up(commit, pool, items[1:], len(items) - 1)]
        writes.release.set()
    return commit, futures


def test_a_lone_caller_writes_alone_in_its_own_thread() -> None:
    writes = Writes()
    writes.release.set()
    commit = GroupCommit(writes.one, writes.many)
    assert commit(1) == "one:1"
    assert commit(2) == "one:2"
    assert writes.alone == [1, 2]
    assert writes.groups == []
    assert writes.threads == [threading.current_thread().name] * 2


def test_callers_arriving_during_a_write_are_written_together_in_order() -> None:
    writes = Writes()
    _, futures = _run(writes, [1, 2, 3, 4])
    assert writes.alone == [1]
    assert writes.groups == [[2, 3, 4]]
    assert [f.result() for f in futures] == ["one:1", "many:2", "many:3", "many:4"]


def test_groups_hold_at_most_the_limit() -> None:
    writes = Writes()
    _, futures = _run(writes, [1, 2, 3, 4, 5, 6], limit=2)
    # 2..6 lined up while 1 was held; each group takes the next two, the last one is alone.
    assert writes.groups == [[2, 3], [4, 5]]
    assert writes.alone == [1, 6]
    assert [f.result() for f in futures][1:] == ["many:2", "many:3", "many:4", "many:5", "one:6"]


def test_a_failed_group_is_written_alone_by_each_caller() -> None:
    writes = Writes()
    writes.fail_groups = True
    writes.refuse = {3}
    _, futures = _run(writes, [1, 2, 3, 4])
    assert futures[0].result() == "one:1"
    assert futures[1].result() == "one:2"
    with pytest.raises(ValueError, match="refused 3"):
        futures[2].result()
    assert futures[3].result() == "one:4"
    assert sorted(writes.alone) == [1, 2, 4]


def test_a_refused_lone_write_raises_to_its_caller_only_and_the_line_goes_on() -> None:
    writes = Writes()
    writes.refuse = {1}
    _, futures = _run(writes, [1, 2, 3])
    with pytest.raises(ValueError, match="refused 1"):
        futures[0].result()
    assert [f.result() for f in futures[1:]] == ["many:2", "many:3"]


def test_many_threads_each_get_their_own_result() -> None:
    written: list[int] = []
    lock = threading.Lock()

    def one(item: int) -> int:
        with lock:
            written.append(item)
        time.sleep(0.001)
        return item * 10

    def many(items: Sequence[int]) -> list[int]:
        with lock:
            written.extend(items)
        time.sleep(0.001)
        return [item * 10 for item in items]

    commit: GroupCommit[int, int] = GroupCommit(one, many, limit=5)
    call: Callable[[int], int] = commit
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(call, range(400)))
    assert results == [i * 10 for i in range(400)]
    assert sorted(written) == list(range(400))
    assert not commit._writing
    assert not commit._line


def test_a_group_needs_room_for_two() -> None:
    with pytest.raises(ValueError, match="at least two"):
        GroupCommit(lambda item: item, lambda items: list(items), limit=1)


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "it did not happen"
        time.sleep(0.001)


def test_a_caller_about_to_write_alone_waits_for_those_on_their_way() -> None:
    writes = Writes()
    writes.release.set()
    commit = GroupCommit(writes.one, writes.many, patience=10)
    ready = threading.Event()

    def on_its_way() -> str:
        with commit.arriving() as call:
            assert ready.wait(10)  # preparing its item
            return call(2)

    with ThreadPoolExecutor(2) as pool:
        second = pool.submit(on_its_way)
        _wait_until(lambda: commit._arriving == 1)
        first = pool.submit(commit, 1)
        _wait_until(lambda: commit._writing)  # the first caller waits for the second
        assert writes.alone == []
        ready.set()
        assert (first.result(), second.result()) == ("many:1", "many:2")
    assert writes.groups == [[1, 2]]
    assert commit._arriving == 0


def test_a_caller_that_turns_back_or_dawdles_lets_the_writer_go() -> None:
    writes = Writes()
    writes.release.set()
    commit = GroupCommit(writes.one, writes.many, patience=10)
    with commit.arriving():
        pass  # decided not to call: nobody waits for it
    assert commit._arriving == 0
    assert commit(1) == "one:1"
    # One that takes longer than the writer's patience is not waited for past it.
    impatient = GroupCommit(writes.one, writes.many, patience=0.01)
    with impatient.arriving() as call:
        started = time.monotonic()
        assert impatient(3) == "one:3"
        assert time.monotonic() - started >= 0.01
        assert call(4) == "one:4"
    assert writes.alone == [1, 3, 4]
    assert impatient._arriving == 0
