"""How domains and emails are stored and looked up; no models, so a CSV parser in a child
process (`harken.integrations.csv.note_rows`) can use them without loading Django's apps."""

from __future__ import annotations

import re

from harken.lib.errors import ActionError

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalize_domain(raw: str) -> str:
    domain = raw.strip().lower().removeprefix("https://").removeprefix("http://")
    domain = domain.split("/")[0].removeprefix("www.")
    if not _DOMAIN.match(domain):
        raise ActionError(
            f"{raw!r} is not a domain name: give one like example.com.", field="domain"
        )
    return domain


def normalize_email(raw: str, field: str = "email") -> str:
    """How a person's email is stored and looked up: stripped, lower case."""
    email = raw.strip().lower()
    if "@" not in email or len(email) > 254:
        raise ActionError(f"{email!r} is not an email address.", field=field)
    return email
