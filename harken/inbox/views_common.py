"""Small parsing helpers shared by the inbox pages: bad query strings become 400s, not 500s."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.http import HttpRequest

from harken.lib.errors import ActionError

# Page numbers past this are refused: nobody reads them and deep offsets are slow.
MAX_PAGE_NUMBER = 500


def is_htmx(request: HttpRequest) -> bool:
    """A request htmx made for a fragment (not a history restore, which wants the whole page)."""
    details = getattr(request, "htmx", None)
    return bool(details) and not getattr(details, "history_restore_request", False)


def int_param(params: Mapping[str, str], name: str, label: str) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ActionError(f"{label} must be a number, not {raw[:40]!r}.", field=name)
    return int(raw)


def page_param(params: Mapping[str, str], name: str) -> int:
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
