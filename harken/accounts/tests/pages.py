"""Helpers for page tests: counting the queries a page makes, and notes linked to features."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from harken.accounts.models import User
from harken.customers.models import Company
from harken.features.models import Feature
from harken.inbox.actions import IncomingNote, do_link_note, ingest_note
from harken.inbox.models import Importance, Link, Note

WHY = {"wanted_to_do": "Send the board a monthly report", "why_not_great": "Manual copy-paste"}


def query_count(client: Client, url: str) -> int:
    """How many SQL queries one GET of `url` makes (it must answer 200)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(ctx.captured_queries)


def linked_note(
    submitter: User,
    maker: User,
    feature: Feature,
    company: Company | None,
    title: str = "Needs PDF export for the board",
    *,
    importance: Importance = Importance.IMPORTANT,
    highlight: str = "",
    confidential: bool = False,
    body: str = "Every month they copy the numbers into slides by hand.",
) -> tuple[Note, Link]:
    note, _ = ingest_note(
        submitter,
        IncomingNote(
            title=title,
            body=body,
            company_id=company.pk if company else None,
            confidential=confidential,
            why=WHY if company else {},
        ),
    )
    link, _ = do_link_note(maker, note, feature, importance, highlight)
    return note, link
