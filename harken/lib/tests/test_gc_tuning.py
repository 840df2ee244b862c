"""The interpreter settings of serving and batch processes, each checked in a process of its
own: they last for the process, which a test's must not."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from harken.lib.gc_tuning import BATCH_THRESHOLD, SERVING_THRESHOLD, SWITCH_INTERVAL
from harken.lib.read_ahead import read_ahead_in_process


def in_a_process(setup: str, data_dir: Path) -> list[object]:
    """[gc threshold, whether objects are frozen, switch interval] after `setup` ran, in a
    process with the embedded default's settings (it never opens the database)."""
    script = (
        "import gc, json, sys\n"
        f"{setup}\n"
        "print(json.dumps([gc.get_threshold(), gc.get_freeze_count() > 0,"
        " sys.getswitchinterval()]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("HARKEN_")}
    env["HARKEN_DATA_DIR"] = str(data_dir)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    result: list[object] = json.loads(out.stdout.splitlines()[-1])
    return result


def test_a_serving_process_collects_rarely_and_switches_threads_less_often(
    tmp_path: Path,
) -> None:
    threshold, frozen, interval = in_a_process(
        "from harken.lib.gc_tuning import tune_for_serving\ntune_for_serving()", tmp_path
    )
    assert threshold == [SERVING_THRESHOLD, 20, 20]
    assert frozen
    assert interval == SWITCH_INTERVAL > sys.getswitchinterval()


@pytest.mark.parametrize("command", ["import", "worker"])
def test_the_import_and_worker_commands_collect_more_rarely_still(
    command: str, tmp_path: Path
) -> None:
    """Run from the command line (`--help` stops them before any work); the default switch
    interval stays."""
    threshold, frozen, interval = in_a_process(
        "import importlib, django\n"
        "django.setup()\n"
        "module = {'import': 'harken.integrations', 'worker': 'harken.web'}"
        f"[{command!r}] + '.management.commands.{command}'\n"
        "try:\n"
        f"    importlib.import_module(module).Command().run_from_argv(['harken', {command!r}, "
        "'--help'])\n"
        "except SystemExit:\n"
        "    pass",
        tmp_path,
    )
    assert threshold == [BATCH_THRESHOLD, 20, 20]
    assert frozen
    assert interval == sys.getswitchinterval()


def test_called_in_another_process_the_import_changes_nothing(tmp_path: Path, db: None) -> None:
    """call_command (tests, other commands) leaves the calling process's collector alone."""
    path = tmp_path / "notes.csv"
    path.write_text("title\nFirst\n")
    before = gc.get_threshold(), gc.get_freeze_count()
    call_command("import", "notes", str(path), stdout=StringIO())
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def thresholds() -> Iterator[tuple[tuple[int, int, int], bool]]:
    """A producer for read_ahead_in_process: the child's collector settings."""
    yield gc.get_threshold(), gc.get_freeze_count() > 0


def test_a_child_reading_ahead_collects_rarely() -> None:
    with read_ahead_in_process(f"{__name__}:thresholds") as reader:
        assert list(reader) == [((BATCH_THRESHOLD, 20, 20), True)]
