"""The serving process's interpreter settings, checked in a process of its own: they last for
the process, which a test's must not."""

from __future__ import annotations

import json
import subprocess
import sys

from harken.lib.gc_tuning import SWITCH_INTERVAL


def test_a_serving_process_collects_rarely_and_switches_threads_less_often() -> None:
    script = (
        "import gc, json, sys\n"
        "from harken.lib.gc_tuning import tune_for_serving\n"
        "tune_for_serving()\n"
        "print(json.dumps([gc.get_threshold(), gc.get_freeze_count() > 0,"
        " sys.getswitchinterval()]))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    threshold, frozen, interval = json.loads(out.stdout)
    assert threshold == [10_000, 20, 20]
    assert frozen
    assert interval == SWITCH_INTERVAL > sys.getswitchinterval()
