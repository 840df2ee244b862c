"""The Jinja2 environment for the long lists of the busiest pages.

Pages are Django templates. The rows of their long lists (inbox notes, board features, a
company's asks and notes) are Jinja2 templates, rendered through `{% jinja %}`
(harken.web.templatetags.harken_jinja): Jinja2 compiles a template to Python, which renders
thirty inbox rows in about a quarter of the Django template language's time on a small
server, and the rows are most of a page's time. The filters are Django's own, so a value
looks the same in either engine.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import QueryDict
from django.template import defaultfilters
from jinja2 import Environment, StrictUndefined


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


def environment(**options: Any) -> Environment:
    if settings.TESTING:
        # A misspelt name fails the test instead of rendering as nothing.
        options["undefined"] = StrictUndefined
    env = Environment(**options)  # noqa: S701 - Django's backend turns autoescape on
    env.filters.update(
        date=defaultfilters.date,
        truncatechars=defaultfilters.truncatechars,
        urlencode=defaultfilters.urlencode,
        floatformat=defaultfilters.floatformat,
    )
    env.globals["querystring"] = querystring
    return env
