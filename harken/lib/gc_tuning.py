"""Garbage-collector settings for processes that allocate many short-lived objects.

A page allocates a few hundred thousand container objects, almost all freed by reference
counting as soon as the response is sent. With Python's default threshold (700 allocations)
the collector runs hundreds of times per page and, every so often, walks every object the
process holds, which shows as slow outliers (the p95). Freezing what exists after start-up
(modules, settings, URL patterns, compiled templates) takes it out of every later collection,
and a higher first threshold makes collections rarer; memory still bounded by the threshold.

A large import is the same on a bigger scale: its rows are tuples that live for a batch, and
while they pile up the default thresholds walked the whole heap again and again. In the
process storing a 200,000-note file the collector ran 969 times for 0.63 s, holding the GIL
the writer threads wait for; with what start-up made frozen and a threshold of 100,000 it
did not run at all. Its memory stays bounded: the rows are freed by reference counting, and
a collection still comes every 100,000 surviving containers.

The interpreter's switch interval is set for serving too. A web process's request threads
share one GIL, and by default a thread running Python hands it over every 5 ms when another
waits. The thread storing a group of notes (harken.lib.group_commit) runs for longer than
that, and with 32 threads each handover woke another only to have it block again: with 64
clients filing notes, 20 ms measured 1,044-1,090 notes/s where 5 ms measured 670-963 in the
same minutes, with fewer system calls a note. A request still gives the GIL up whenever it
waits on the database or the network, which is most of the time for a page. An import's
writer threads keep the default: they wait for the GIL after every batch, and the database
would idle for the longer interval.
"""

from __future__ import annotations

import gc
import sys

# Seconds a thread may run Python while another waits for the GIL (the default is 0.005).
SWITCH_INTERVAL = 0.02

# Container objects allocated (net of those freed) between collections; the default is 700.
SERVING_THRESHOLD = 10_000
BATCH_THRESHOLD = 100_000


def collect_rarely(threshold: int) -> None:
    """Freeze every object that exists now and collect after `threshold` new containers.
    For the whole process: call once, after it has loaded what it needs."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(threshold, 20, 20)


def tune_for_serving() -> None:
    """Call once, after the application has loaded."""
    collect_rarely(SERVING_THRESHOLD)
    sys.setswitchinterval(SWITCH_INTERVAL)


def tune_for_batch_work() -> None:
    """For a process that imports or parses a file, or runs background tasks (imports among
    them): call once, after start-up."""
    collect_rarely(BATCH_THRESHOLD)
