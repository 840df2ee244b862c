"""The Jinja2 rows of the long lists escape what users typed, as the Django pages do."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import prefetch_related_objects
from django.http import QueryDict
from django.template import defaultfilters, engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harken.accounts.models import User
from harken.customers.models import Company
from harken.features.actions import default_status
from harken.features.models import Area, Feature
from harken.inbox.actions import IncomingNote, do_link_note, ingest_note
from harken.inbox.models import Importance, Note, Source
from harken.lib.prefetch import know_related, loaded, related
from harken.web.jinja import (
    date_filter,
    day,
    display,
    floatformat,
    isotime,
    truncatechars,
)
from harken.web.params import querystring

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


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Asia/Kolkata"])
def test_fast_filters_give_django_s_text(zone: str) -> None:
    """isotime, day and truncatechars stand in for Django's filters in the rows: the same
    text as a Django template shows, in the current time zone."""

    def django(value: object, fmt: str) -> str:
        template = engines["django"].from_string("{{ value|date:fmt }}")
        return template.render({"value": value, "fmt": fmt})

    moments = [
        datetime(2026, 3, 1, 2, 30, tzinfo=UTC),  # the day before in Los Angeles
        datetime(2026, 12, 31, 23, 59, 59, 123456, tzinfo=UTC),
        datetime(2026, 7, 4, 12, 0, tzinfo=UTC),
    ]
    with timezone.override(zone):
        for moment in moments:
            assert isotime(moment) == django(moment, "c")
            assert date_filter(moment, "c") == django(moment, "c")
            for fmt in ("M j, Y", "j M Y"):
                assert day(moment, fmt) == django(moment, fmt)
                assert day(moment.date(), fmt) == django(moment.date(), fmt)
    assert day(None, "j M Y") == ""
    long_ascii = "We export every dashboard to PDF, each Monday. " * 9
    for text in ("short", "x" * 220, "y" * 221, "e\u0301" * 150, long_ascii, "é" + long_ascii):
        for length in (1, 2, 220, 240):
            assert truncatechars(text, length) == defaultfilters.truncatechars(text, length)


@pytest.mark.parametrize(
    "value",
    [0, 0.0, -0.0, -0.04, 0.05, 0.25, 0.35, 2.45, 12, 12.0, 1e6, 123456.789, Decimal("7.25")],
)
@pytest.mark.parametrize("places", [1, 2])
def test_floatformat_gives_django_s_text(value: float, places: int) -> None:
    assert floatformat(value, places) == defaultfilters.floatformat(value, places)
    # What the fast path does not take goes to Django's own.
    assert floatformat(value) == defaultfilters.floatformat(value)
    assert floatformat(float("nan"), 1) == defaultfilters.floatformat(float("nan"), 1)


def test_display_and_related_match_the_model_s_own(maker: User, acme: Company) -> None:
    note, _ = ingest_note(
        maker,
        IncomingNote(
            title="Export",
            source=Source.EMAIL,
            company_id=acme.pk,
            tags=["b", "a"],
            why={"wanted_to_do": "x"},
        ),
    )
    assert display(note, "source") == note.get_source_display() == "Email"
    assert display(note, "state") == note.get_state_display()
    # Without a prefetch, related() reads the rows as .all() does; with either kind of
    # prefetch, or rows known from a write, it reads them without a query.
    assert sorted(t.name for t in related(note, "tags")) == ["a", "b"]
    usual, plain, known = (Note.objects.get(pk=note.pk) for _ in range(3))
    prefetch_related_objects([usual], "tags")
    prefetch_related_objects([plain], loaded("tags"))
    know_related(known, "tags", list(note.tags.all()))
    with CaptureQueriesContext(connection) as queries:
        for each in (usual, plain, known):
            assert sorted(t.name for t in related(each, "tags")) == ["a", "b"]
    assert len(queries) == 0


def test_one_language_so_labels_may_be_kept(settings: object) -> None:
    """harken.web.jinja keeps month names and choice labels for the process's life, and
    formats numbers without localising them: right while every request is served in
    LANGUAGE_CODE without thousands grouping."""
    from django.conf import settings as django_settings

    assert "django.middleware.locale.LocaleMiddleware" not in django_settings.MIDDLEWARE
    assert not django_settings.USE_THOUSAND_SEPARATOR
