"""Query-string parameters for staff pages: anything malformed is the user's to fix (400)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict

from harken.lib.errors import ActionError

# Page numbers past this are refused: nobody reads them and deep offsets are slow.
MAX_PAGE_NUMBER = 500


def int_param(params: Mapping[str, str], name: str, label: str | None = None) -> int | None:
    """An optional whole-number parameter."""
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ActionError(
            f"{label or name.capitalize()} must be a number, not {raw[:40]!r}.", field=name
        )
    return int(raw)


def bool_param(params: Mapping[str, str], name: str) -> bool | None:
    raw = params.get(name, "").strip().lower()
    if not raw:
        return None
    if raw in ("yes", "true", "1"):
        return True
    if raw in ("no", "false", "0"):
        return False
    raise ActionError(f"{name.capitalize()} must be yes or no.", field=name)


def choice_param(params: Mapping[str, str], name: str, choices: list[str], default: str) -> str:
    raw = params.get(name, "").strip() or default
    if raw not in choices:
        raise ActionError(f"{name.capitalize()} must be one of: {', '.join(choices)}.", field=name)
    return raw


def page_param(params: Mapping[str, str], name: str) -> int:
    """A 1-based page number, 1 when absent."""
    page = int_param(params, name, "The page")
    if page is None:
        return 1
    if not 1 <= page <= MAX_PAGE_NUMBER:
        raise ActionError(f"The page is a number from 1 to {MAX_PAGE_NUMBER}.", field=name)
    return page


def query_string(params: Mapping[str, object]) -> str:
    """`?a=1&b=2` from the params that have a value, or "" when none has."""
    kept = {k: str(v) for k, v in params.items() if v not in (None, "")}
    return f"?{urlencode(kept)}" if kept else ""


def querystring(query: QueryDict, **changes: Any) -> str:
    """The request's query string with `changes` applied (None drops a key), as Django's
    `{% querystring %}` tag builds it."""
    params = query.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    return f"?{params.urlencode()}"
