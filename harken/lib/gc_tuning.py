"""Garbage-collector settings for long-running web workers.

A page allocates a few hundred thousand container objects, almost all freed by reference
counting as soon as the response is sent. With Python's default threshold (700 allocations)
the collector runs hundreds of times per page and, every so often, walks every object the
process holds, which shows as slow outliers (the p95). Freezing what exists after start-up
(modules, settings, URL patterns, compiled templates) takes it out of every later collection,
and a higher first threshold makes collections rarer; memory still bounded by the threshold.

The interpreter's switch interval is set here too. A web process's request threads share one
GIL, and by default a thread running Python hands it over every 5 ms when another waits. The
thread storing a group of notes (harken.lib.group_commit) runs for longer than that, and with
32 threads each handover woke another only to have it block again: with 64 clients filing
notes, 20 ms measured 1,044-1,090 notes/s where 5 ms measured 670-963 in the same minutes,
with fewer system calls a note. A request still gives the GIL up whenever it waits on the
database or the network, which is most of the time for a page.
"""

from __future__ import annotations

import gc
import sys

# Seconds a thread may run Python while another waits for the GIL (the default is 0.005).
SWITCH_INTERVAL = 0.02


def tune_for_serving() -> None:
    """Call once, after the application has loaded."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
    sys.setswitchinterval(SWITCH_INTERVAL)
