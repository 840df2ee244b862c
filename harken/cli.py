"""The `harken` command: Django's management commands, plus serve, worker, demo and import."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "harken.settings")
    from harken.lib.env import ConfigError

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        # A bad setting is the operator's to fix: say which, without a traceback.
        print(f"harken: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
