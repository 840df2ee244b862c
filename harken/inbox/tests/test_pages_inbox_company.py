"""The inbox's company filter is typed, not picked from a list of every company."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from harken.accounts.models import User
from harken.customers.models import Company
from harken.inbox.actions import IncomingNote, ingest_note
from harken.inbox.models import Source


def _file(user: User, title: str, company: Company) -> None:
    ingest_note(user, IncomingNote(title=title, source=Source.EMAIL, company_id=company.pk))


def test_company_typed_by_name_filters_the_inbox(
    client: Client, maker: User, acme: Company, globex: Company
) -> None:
    _file(maker, "Acme wants SSO", acme)
    _file(maker, "Globex wants PDF", globex)
    client.force_login(maker)
    page = client.get("/inbox/", {"company_name": "acme corp"})
    assert page.status_code == 200
    assert b"Acme wants SSO" in page.content
    assert b"Globex wants PDF" not in page.content
    # A part of the name is enough, and the chosen company shows as a removable chip.
    page = client.get("/inbox/", {"company_name": "glob"})
    assert b"Globex wants PDF" in page.content
    assert b"Acme wants SSO" not in page.content
    assert b'name="company" value="%d"' % globex.pk in page.content


def test_unknown_company_name_says_what_to_fix(client: Client, maker: User, acme: Company) -> None:
    client.force_login(maker)
    page = client.get("/inbox/", {"company_name": "Initech"})
    assert page.status_code == 400
    assert "No company is named like “Initech”" in page.content.decode()


def test_company_suggestions(client: Client, viewer: User, acme: Company, globex: Company) -> None:
    assert client.get("/inbox/companies/", {"company_name": "ac"}).status_code == 302
    client.force_login(viewer)
    options = client.get("/inbox/companies/", {"company_name": "ac"}).content.decode()
    assert '<option value="Acme Corp">' in options
    assert "Globex" not in options


def test_inbox_cost_does_not_grow_with_companies(client: Client, maker: User) -> None:
    client.force_login(maker)
    Company.objects.create(name="Only one", domain="one.test")
    client.get("/inbox/")
    with CaptureQueriesContext(connection) as few:
        client.get("/inbox/")
    Company.objects.bulk_create(
        Company(name=f"Company {i}", domain=f"c{i}.test") for i in range(40)
    )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/inbox/")
    assert len(many) == len(few)
    assert b"Company 7" not in page.content
