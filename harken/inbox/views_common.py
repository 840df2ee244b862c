"""What the inbox pages share beyond query parameters (those are in harken.web.params)."""

from __future__ import annotations

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """A request htmx made for a fragment (not a history restore, which wants the whole page)."""
    details = getattr(request, "htmx", None)
    return bool(details) and not getattr(details, "history_restore_request", False)
