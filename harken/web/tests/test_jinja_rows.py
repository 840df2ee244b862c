"""The Jinja2 rows of the long lists escape what users typed, as the Django pages do."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.test import Client

from harken.accounts.models import User
from harken.customers.models import Company
from harken.features.actions import default_status
from harken.features.models import Area, Feature
from harken.inbox.actions import IncomingNote, do_link_note, ingest_note
from harken.inbox.models import Importance
from harken.web.jinja import querystring

EVIL = '<script>alert("x")</script>'


@pytest.fixture
def evil_world(maker: User, acme: Company, area: Area) -> Feature:
    acme.name = f"Acme {EVIL}"
    acme.save()
    feature = Feature.objects.create(title=f"Export {EVIL}", area=area, status=default_status())
    note, _ = ingest_note(
        maker,
        IncomingNote(
            title=f"Wants {EVIL}",
            body=f"Body {EVIL}",
            company_id=acme.pk,
            tags=[f"t{EVIL}"[:60]],
            why={"wanted_to_do": "x"},
        ),
    )
    do_link_note(maker, note, feature, Importance.CRITICAL)
    return feature


@pytest.mark.parametrize("url", ["/inbox/?state=all", "/search/?q=wants", "/features/"])
def test_rows_escape_what_users_typed(
    client: Client, maker: User, evil_world: Feature, url: str
) -> None:
    client.force_login(maker)
    html = client.get(url).content.decode()
    assert "&lt;script&gt;" in html
    assert "<script>alert" not in html


def test_company_rows_escape_what_users_typed(
    client: Client, maker: User, evil_world: Feature, acme: Company
) -> None:
    client.force_login(maker)
    html = client.get(f"/companies/{acme.pk}/").content.decode()
    assert "Wants &lt;script&gt;" in html
    assert "Export &lt;script&gt;" in html
    assert "<script>alert" not in html


def test_querystring_keeps_the_other_parameters() -> None:
    query = QueryDict("sort=votes&page=3&area=1")
    assert querystring(query, area=7, page=None) == "?sort=votes&area=7"
    assert querystring(QueryDict(""), area=2) == "?area=2"
    assert querystring(QueryDict("page=2"), page=None) == "?"
