"""Garbage-collector settings for long-running web workers.

A page allocates a few hundred thousand container objects, almost all freed by reference
counting as soon as the response is sent. With Python's default threshold (700 allocations)
the collector runs hundreds of times per page and, every so often, walks every object the
process holds, which shows as slow outliers (the p95). Freezing what exists after start-up
(modules, settings, URL patterns, compiled templates) takes it out of every later collection,
and a higher first threshold makes collections rarer; memory still bounded by the threshold.
"""

from __future__ import annotations

import gc


def tune_for_serving() -> None:
    """Call once, after the application has loaded."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
