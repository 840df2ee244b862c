"""Group commit: concurrent callers' writes stored together, by one of the callers.

A web process serving several requests at once (its threads) files each request's
note in a transaction of its own: eight or nine round trips to the database and about as many
Django statements, per note. Stored together, a dozen statements serve a whole group. So the
first caller to arrive writes its own item at once, alone, exactly as it would without this
class; callers that arrive while it writes wait in line, and when it is done, the first of
them writes every item in line in one go (`write_many`) and hands each waiting caller its
result. Nothing is held back to wait for company that is not already on its way (below): a
lone caller (a sync worker, a test) always writes alone, and a group is what piled up during
the previous write.

Under load that alone leaves groups small: when a group has been written, its callers' threads
go back to serving, and the first request to come back finds nobody writing and writes its
item alone while the rest pile up behind it, so writes of one alternate with groups. A caller
may therefore announce itself while it prepares its item (`arriving()`: a request reading
its body), and a caller about to write alone first waits, for at most `patience` seconds,
until every caller on its way has joined the line or gone elsewhere. A lone caller with
nobody on the way never waits.

Each write runs in the writing caller's own thread, on its own database connection, as
Django gives every thread one. If a group's write fails as a whole, every caller of that
group writes its own item alone, so one caller's failure (or a bad item the group write
did not foresee) is answered to that caller only, with the error it would have had alone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager


class _Caller[T, R]:
    __slots__ = ("done", "group", "item", "result", "woken")

    def __init__(self, item: T) -> None:
        self.item = item
        self.woken = threading.Event()
        # Set for the caller that is to write: the items it writes, its own first.
        self.group: list[_Caller[T, R]] = []
        # Set, with `result`, when a group wrote this caller's item.
        self.done = False
        self.result: R | None = None


class GroupCommit[T, R]:
    """`commit = GroupCommit(write_one, write_many); result = commit(item)` from any thread.

    `write_one(item)` stores one item and answers its result (or raises, to its caller).
    `write_many(items)` stores two or more in one transaction and answers their results in
    order; an exception from it makes each caller of the group call `write_one` instead.
    Groups hold at most `limit` items. A writer waits at most `patience` seconds for the
    callers `arriving()`.
    """

    def __init__(
        self,
        write_one: Callable[[T], R],
        write_many: Callable[[Sequence[T]], list[R]],
        limit: int = 100,
        patience: float = 0.002,
    ) -> None:
        if limit < 2:
            raise ValueError("a group holds at least two items")
        self.write_one = write_one
        self.write_many = write_many
        self.limit = limit
        self.patience = patience
        self._lock = threading.Lock()
        self._came = threading.Condition(self._lock)
        self._writing = False
        self._line: list[_Caller[T, R]] = []
        self._arriving = 0

    @contextmanager
    def arriving(self) -> Iterator[Callable[[T], R]]:
        """`with commit.arriving() as call: ...; result = call(item)`: while the caller
        prepares its item, a writer that would write alone waits for it. `call` joins the
        line and stops the wait for this caller at once, so no writer can leave between
        the two; a caller that leaves the block without calling stops it too."""
        came = False

        def call(item: T) -> R:
            nonlocal came
            came = True
            return self._call(item, arrived=True)

        with self._lock:
            self._arriving += 1
        try:
            yield call
        finally:
            if not came:
                with self._lock:
                    self._gone()

    def __call__(self, item: T) -> R:
        return self._call(item, arrived=False)

    def _gone(self) -> None:
        # Under the lock: one caller fewer on its way. A writer waits for none to be left.
        self._arriving -= 1
        if not self._arriving:
            self._came.notify_all()

    def _call(self, item: T, arrived: bool) -> R:
        me: _Caller[T, R] = _Caller(item)
        with self._lock:
            if arrived:
                self._gone()
            if self._writing:
                self._line.append(me)
            else:
                self._writing = True
                if self._arriving:
                    # Callers on their way: write with them rather than alone before them.
                    self._came.wait_for(lambda: not self._arriving, self.patience)
                me.group = [me, *self._line[: self.limit - 1]]
                del self._line[: self.limit - 1]
        if not me.group:
            # In line: woken to write a group, or when a group wrote (or failed to write) ours.
            me.woken.wait()
        if len(me.group) == 1:
            # Alone, exactly as without grouping: its errors are its own.
            try:
                return self.write_one(item)
            finally:
                self._pass_on()
        if me.group:
            self._write_group(me.group)
        if me.done:
            return me.result  # type: ignore[return-value]
        return self.write_one(item)

    def _write_group(self, group: list[_Caller[T, R]]) -> None:
        """Write the group's items together, hand the line on, and wake the rest of the
        group; a caller left not done writes its own item alone."""
        try:
            results = self.write_many([c.item for c in group])
            for caller, result in zip(group, results, strict=True):
                caller.result = result
                caller.done = True
        except Exception:  # noqa: S110 - the group failed as a whole: each caller retries alone
            pass
        finally:
            self._pass_on()
            for caller in group[1:]:  # the first is the writer itself
                caller.woken.set()

    def _pass_on(self) -> None:
        with self._lock:
            if not self._line:
                self._writing = False
                return
            group, self._line = self._line[: self.limit], self._line[self.limit :]
        group[0].group = group
        group[0].woken.set()
