"""`{% jinja "app/rows.jinja" name=value ... %}`: render a Jinja2 partial inside a Django page."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context: template.Context, name: str, **values: Any) -> SafeString:
    """The partial, given the request and `values`; its output is escaped by Jinja2."""
    partial = engines["jinja2"].get_template(name)
    return mark_safe(partial.render(values, context.get("request")))  # noqa: S308
