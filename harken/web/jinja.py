"""The Jinja2 environment for the long lists of the busiest pages.

Pages are Django templates. The rows of their long lists (inbox notes, board features, a
company's asks and notes) are Jinja2 templates, rendered through `{% jinja %}`
(harken.web.templatetags.harken_jinja): Jinja2 compiles a template to Python, which renders
thirty inbox rows in about a quarter of the Django template language's time on a small
server, and the rows are most of a page's time. The filters are Django's own, or give the
same text as Django's in less time, so a value looks the same in either engine.
"""

from __future__ import annotations

import functools
import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.template import defaultfilters
from django.urls import reverse
from django.utils import dateformat
from django.utils.timezone import is_aware, localtime
from jinja2 import Environment, StrictUndefined

from harken.lib.prefetch import related

# What each filter below saves, per value, on a small server: Django's `date` parses its
# format and looks up the locale's names on every call (about 60 µs; an inbox page shows
# sixty dates), `get_FOO_display()` builds a dict of the field's choices on every call
# (25 µs), `floatformat` localises (100 µs), and `truncatechars` normalises text that fits
# anyway (50 µs). Rows read related objects with `related()` (harken.lib.prefetch), not
# `.all()`, for the same reason.


def _local(value: datetime) -> datetime:
    """The moment in the current time zone, as the `date` filter shows it."""
    return localtime(value) if is_aware(value) else value


def date_filter(value: date | datetime | None, fmt: str) -> str:
    """Django's `date` as a Django template applies it: in the current time zone. (Django's
    template engine converts the value before the filter sees it; Jinja2 would not.)"""
    if isinstance(value, datetime):
        value = _local(value)
    return defaultfilters.date(value, fmt)


def isotime(value: datetime) -> str:
    """`value|date("c")`: the moment in the current time zone, ISO 8601."""
    return _local(value).isoformat()


def day(value: date | datetime | None, fmt: str) -> str:
    """`value|date(fmt)` for a format of date parts only ("j M Y"): the day in the current
    time zone. Formatted once per day and format; a page's rows share few days."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return _format_day(value, fmt)


# Harken serves one language (LANGUAGE_CODE; no LocaleMiddleware), so month names and
# labels are the same for every request and may be kept for the process's life.
@functools.lru_cache(maxsize=4096)
def _format_day(value: date, fmt: str) -> str:
    return dateformat.format(value, fmt)


def truncatechars(value: str, length: int) -> str:
    """`truncatechars`, which gives back text that fits as it is, and cuts ASCII text without
    Django's walk over every character looking for combining marks (ASCII has none)."""
    if len(value) <= length:
        return value
    if value.isascii() and length > 0:
        return f"{value[: length - 1]}…"
    return defaultfilters.truncatechars(value, length)


def floatformat(value: Any, places: Any = -1) -> str:
    """Django's `floatformat`. For a number and a positive count of places, formatted here:
    Django's localises the result, and with one language and no thousands grouping that
    changes nothing but costs 100 µs a number."""
    if (
        isinstance(value, int | float | Decimal)
        and type(places) is int
        and places > 0
        and math.isfinite(value)
    ):
        rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        # Django shows a negative number that rounds to zero without its sign.
        return f"{rounded if rounded else abs(rounded):f}"
    return str(defaultfilters.floatformat(value, places))


def display(obj: Model, field: str) -> str:
    """`obj.get_<field>_display()`: the label of the field's value."""
    value = getattr(obj, field)
    return _labels(type(obj), field).get(value, str(value))


@functools.cache
def _labels(model: type[Model], field: str) -> dict[Any, str]:
    choices = getattr(model._meta.get_field(field), "flatchoices", [])
    return {key: str(label) for key, label in choices}


def environment(**options: Any) -> Environment:
    if settings.TESTING:
        # A misspelt name fails the test instead of rendering as nothing.
        options["undefined"] = StrictUndefined
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescape on
    env.filters.update(
        date=date_filter,
        isotime=isotime,
        day=day,
        truncatechars=truncatechars,
        display=display,
        urlencode=defaultfilters.urlencode,
        floatformat=floatformat,
    )
    env.globals.update(related=related, url=reverse)
    return env
