"""Settings come from the environment; a bad value stops the boot naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harken.lib.env import ConfigError, env_bool, env_int, env_list

HARKEN = Path(sys.executable).parent / "harken"


def run_harken(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HARKEN_")}
    clean.update({"HARKEN_DATA_DIR": str(tmp_path / "data"), **env})
    return subprocess.run(
        [str(HARKEN), "check"], env=clean, capture_output=True, text=True, timeout=60
    )


def test_embedded_default_boots_and_keeps_one_secret_key(tmp_path: Path) -> None:
    first = run_harken(tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "data" / "secret_key"
    key = key_file.read_text()
    assert len(key) >= 50
    assert run_harken(tmp_path).returncode == 0
    assert key_file.read_text() == key  # made once, not per process


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"HARKEN_DATABASE_URL": "mysql://x/y"}, "HARKEN_DATABASE_URL"),
        ({"HARKEN_DATABASE_URL": "postgresql://u@h/db"}, "HARKEN_SECRET_KEY"),
        (
            {"HARKEN_DATABASE_URL": "postgresql://u@h/db", "HARKEN_SECRET_KEY": "x" * 40},
            "HARKEN_ALLOWED_HOSTS",
        ),
        (
            {"HARKEN_DATABASE_URL": "postgresql://u@h/db", "HARKEN_DATABASE_PREPARE": "maybe"},
            "HARKEN_DATABASE_PREPARE",
        ),
        ({"HARKEN_SECRET_KEY": "short"}, "HARKEN_SECRET_KEY"),
        ({"HARKEN_DEBUG": "maybe"}, "HARKEN_DEBUG"),
        ({"HARKEN_SMTP_HOST": "mail", "HARKEN_SMTP_PORT": "abc"}, "HARKEN_SMTP_PORT"),
        ({"HARKEN_IMPORT_MAX_MB": "0"}, "HARKEN_IMPORT_MAX_MB"),
    ],
)
def test_bad_settings_stop_the_boot_naming_the_variable(
    tmp_path: Path, env: dict[str, str], named: str
) -> None:
    result = run_harken(tmp_path, **env)
    assert result.returncode == 2
    assert named in result.stderr
    assert "Traceback" not in result.stderr


def test_env_helpers() -> None:
    assert env_bool("X", False, {"X": "Yes"}) is True
    assert env_int("X", 3, environ={}) == 3
    assert env_list("X", [], {"X": "a, b,,c"}) == ["a", "b", "c"]
    with pytest.raises(ConfigError, match="X"):
        env_int("X", 1, minimum=5, environ={"X": "2"})
