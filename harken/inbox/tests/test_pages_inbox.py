"""The inbox list and the search page: who sees what, filters, paging, query counts."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harken.accounts.models import User
from harken.customers.models import Company
from harken.features.models import Area, Feature
from harken.inbox.actions import (
    IncomingNote,
    do_assign_note,
    do_link_note,
    do_set_note_state,
    ingest_note,
)
from harken.inbox.models import Importance, Note, NoteState, Source

WHY = {"wanted_to_do": "Send the board a report"}


def _note(actor: User, title: str, **kwargs: Any) -> Note:
    kwargs.setdefault("why", WHY)
    return ingest_note(actor, IncomingNote(title=title, **kwargs))[0]


def _titles(html: str) -> list[str]:
    return re.findall(r'class="note-title" href="/notes/\d+/">([^<]+)</a>', html)


@pytest.mark.parametrize("url", ["/inbox/", "/search/?q=pdf"])
def test_anonymous_is_sent_to_sign_in(client: Client, db: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["viewer", "contributor", "maker", "admin"])
def test_every_staff_role_reads_the_inbox(
    client: Client, contributor: User, persona: str, request: Any
) -> None:
    _note(contributor, "Dark mode")
    client.force_login(request.getfixturevalue(persona))
    response = client.get("/inbox/")
    assert response.status_code == 200
    assert _titles(response.content.decode()) == ["Dark mode"]


def test_confidential_notes_stay_with_makers_and_their_submitter(
    client: Client,
    maker: User,
    contributor: User,
    other_contributor: User,
    viewer: User,
) -> None:
    _note(contributor, "Open note")
    _note(contributor, "Secret pricing talk", confidential=True)
    for user, expected in [
        (maker, ["Secret pricing talk", "Open note"]),
        (contributor, ["Secret pricing talk", "Open note"]),
        (other_contributor, ["Open note"]),
        (viewer, ["Open note"]),
    ]:
        client.force_login(user)
        assert _titles(client.get("/inbox/").content.decode()) == expected, user.username
        found = client.get("/search/?q=secret").content.decode()
        assert ("Secret pricing talk" in found) == ("Secret pricing talk" in expected)


def test_rows_show_what_a_product_manager_needs(
    client: Client, maker: User, contributor: User, acme: Company, feature: Feature
) -> None:
    note = _note(
        contributor,
        "PDF export",
        body="We need a PDF export of the monthly board report",
        person_email="jo@acme.com",
        person_name="Jo Park",
        tags=["reporting"],
    )
    do_link_note(maker, note, feature, Importance.CRITICAL)
    do_assign_note(maker, note, maker)
    client.force_login(maker)
    html = client.get("/inbox/").content.decode()
    assert f'href="/notes/{note.pk}/"' in html
    assert "We need a PDF export" in html
    assert f'href="/companies/{acme.pk}/"' in html
    assert "Jo Park" in html
    assert f'href="/features/{feature.pk}/"' in html
    assert "#reporting" in html
    assert "mona" in html  # the assignee
    assert '<span class="pill new">New</span>' in html


def test_inbox_shows_new_notes_unless_asked(client: Client, maker: User, contributor: User) -> None:
    _note(contributor, "Still new")
    done = _note(contributor, "Already processed")
    do_set_note_state(maker, done, NoteState.PROCESSED)
    client.force_login(maker)
    assert _titles(client.get("/inbox/").content.decode()) == ["Still new"]
    assert _titles(client.get("/inbox/?state=processed").content.decode()) == ["Already processed"]
    assert _titles(client.get("/inbox/?state=all").content.decode()) == [
        "Already processed",
        "Still new",
    ]


def test_filters(
    client: Client,
    maker: User,
    contributor: User,
    acme: Company,
    globex: Company,
    area: Area,
    feature: Feature,
) -> None:
    pdf = _note(contributor, "PDF export", body="board report", company_id=acme.pk, tags=["bi"])
    sso = _note(contributor, "Okta SSO", source=Source.SALES_CALL, company_id=globex.pk)
    _note(contributor, "Dark mode", body="eyes hurt at night")
    do_link_note(maker, pdf, feature, Importance.IMPORTANT)
    do_assign_note(maker, sso, maker)
    client.force_login(maker)

    def titles(query: str) -> list[str]:
        response = client.get(f"/inbox/?{query}")
        assert response.status_code == 200, response.content
        return _titles(response.content.decode())

    assert titles(f"company={acme.pk}") == ["PDF export"]
    assert titles("source=sales_call") == ["Okta SSO"]
    assert titles("assignee=me") == ["Okta SSO"]
    assert titles(f"assignee={maker.pk}") == ["Okta SSO"]
    assert titles("assignee=none") == ["Dark mode", "PDF export"]
    assert titles("tag=BI") == ["PDF export"]
    assert titles(f"area={area.pk}") == ["PDF export"]
    assert titles("q=night") == ["Dark mode"]
    assert titles("q=repo") == ["PDF export"]  # prefix match
    assert titles(f"q=board&company={globex.pk}") == []


def test_filter_form_keeps_what_was_chosen(
    client: Client, maker: User, contributor: User, acme: Company, area: Area
) -> None:
    child = Area.objects.create(name="Exports <b>", parent=area)
    _note(contributor, "PDF export", company_id=acme.pk, tags=["bi"])
    client.force_login(maker)
    query = f"source=email&area={child.pk}&assignee={maker.pk}&company={acme.pk}&q=%3Cx%3E"
    html = client.get(f"/inbox/?{query}").content.decode()
    assert '<option value="email" selected>' in html
    # A sub-area is indented under its parent, and its typed name is escaped.
    assert f'<option value="{child.pk}" selected>&nbsp;&nbsp;└ Exports &lt;b&gt;</option>' in html
    assert f'<option value="{maker.pk}" selected>' in html
    assert f'<input type="hidden" name="company" value="{acme.pk}">' in html
    assert 'value="&lt;x&gt;"' in html
    assert '<option value="bi">' in html  # the tag datalist


def test_feedback_i_filed(
    client: Client, maker: User, contributor: User, other_contributor: User
) -> None:
    mine = _note(contributor, "Mine")
    do_set_note_state(maker, mine, NoteState.PROCESSED)
    _note(other_contributor, "Theirs")
    client.force_login(contributor)
    inbox = client.get("/inbox/").content.decode()
    assert f"?state=all&amp;submitter={contributor.pk}" in inbox
    html = client.get(f"/inbox/?state=all&submitter={contributor.pk}").content.decode()
    assert _titles(html) == ["Mine"]


@pytest.mark.parametrize(
    "query",
    [
        "submitter=me",
        "state=bogus",
        "source=fax",
        "company=acme",
        "area=-1",
        "assignee=somebody",
        "cursor=not-a-cursor",
    ],
)
def test_bad_filters_are_a_400(client: Client, maker: User, query: str) -> None:
    client.force_login(maker)
    response = client.get(f"/inbox/?{query}")
    assert response.status_code == 400
    assert "Please fix this" in response.content.decode()


def test_cursor_paging_walks_every_note_once(client: Client, maker: User) -> None:
    start = timezone.now() - timedelta(days=40)
    for i in range(35):
        _note(maker, f"Note {i:02}", received_at=start + timedelta(hours=i))
    client.force_login(maker)
    first = client.get("/inbox/?source=manual").content.decode()
    assert _titles(first) == [f"Note {i:02}" for i in range(34, 4, -1)]
    older = re.search(r'href="(/inbox/\?[^"]*cursor=[^"]+)" rel="next">Older', first)
    assert older is not None
    url = older.group(1).replace("&amp;", "&")
    assert "source=manual" in url  # filters survive paging
    second = client.get(url).content.decode()
    assert _titles(second) == [f"Note {i:02}" for i in range(4, -1, -1)]
    assert "Older →" not in second
    assert "← Newest" in second


def _inbox_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/inbox/?state=all").status_code == 200
    return len(ctx.captured_queries)


def test_inbox_costs_the_same_queries_for_3_or_30_notes(
    client: Client, maker: User, contributor: User, acme: Company, feature: Feature
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            note = _note(
                contributor,
                f"Ask {i}",
                person_email=f"p{i}@acme.com",
                tags=[f"t{i}", "common"],
            )
            do_link_note(maker, note, feature, Importance.IMPORTANT)
            do_assign_note(maker, note, maker)

    client.force_login(maker)
    add(3)
    few = _inbox_queries(client)
    add(27)
    assert _inbox_queries(client) == few


def test_htmx_filtering_answers_with_the_results_only(client: Client, maker: User) -> None:
    _note(maker, "Dark mode")
    client.force_login(maker)
    response = client.get("/inbox/?q=dark", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="inbox-results")
    html = response.content.decode()
    assert response.status_code == 200
    assert _titles(html) == ["Dark mode"]
    assert "<html" not in html


def test_triage_hints_only_for_makers(
    client: Client, viewer: User, maker: User, contributor: User
) -> None:
    _note(contributor, "Dark mode")
    client.force_login(viewer)
    assert "File feedback</a>" not in client.get("/inbox/").content.decode().split("<main>")[1]
    client.force_login(maker)
    assert "mark it processed" in client.get("/inbox/").content.decode()


# ---- search ----


def test_search_lists_notes_and_features(
    client: Client, maker: User, contributor: User, feature: Feature
) -> None:
    _note(contributor, "Export my dashboards", body="as PDF please")
    _note(contributor, "Dark mode")
    client.force_login(contributor)
    response = client.get("/search/?q=pdf")
    html = response.content.decode()
    assert response.status_code == 200
    assert _titles(html) == ["Export my dashboards"]
    assert f'<a class="note-title" href="/features/{feature.pk}/">Export to PDF</a>' in html
    assert 'value="pdf"' in html  # the top bar keeps the query


@pytest.mark.parametrize("q", ["", "   ", "!!!"])
def test_search_without_words_asks_for_some(
    client: Client, viewer: User, contributor: User, q: str
) -> None:
    _note(contributor, "Dark mode")
    client.force_login(viewer)
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert "Type a few words" in response.content.decode()
    assert _titles(response.content.decode()) == []


def test_search_pages_each_list(client: Client, maker: User) -> None:
    start = timezone.now() - timedelta(days=30)
    for i in range(25):
        _note(maker, f"Export idea {i:02}", received_at=start + timedelta(hours=i))
    client.force_login(maker)
    first = client.get("/search/?q=export").content.decode()
    assert len(_titles(first)) == 20
    assert "More notes →" in first
    second = client.get("/search/?q=export&np=2").content.decode()
    assert _titles(second) == [f"Export idea {i:02}" for i in range(4, -1, -1)]
    assert "← Previous notes" in second


@pytest.mark.parametrize("query", ["np=0", "np=abc", "fp=9999"])
def test_search_bad_page_is_a_400(client: Client, maker: User, query: str) -> None:
    client.force_login(maker)
    assert client.get(f"/search/?q=x&{query}").status_code == 400


def test_search_costs_the_same_queries_for_3_or_20_hits(
    client: Client, maker: User, contributor: User, acme: Company, feature: Feature
) -> None:
    def add(n: int) -> None:
        for i in range(n):
            note = _note(contributor, f"PDF ask {i}", company_id=acme.pk, tags=["pdf"])
            do_link_note(maker, note, feature, Importance.IMPORTANT)
            Feature.objects.create(title=f"PDF variant {i}", status=feature.status)

    client.force_login(maker)
    add(3)
    with CaptureQueriesContext(connection) as few:
        client.get("/search/?q=pdf")
    add(17)
    with CaptureQueriesContext(connection) as many:
        client.get("/search/?q=pdf")
    assert len(many.captured_queries) == len(few.captured_queries)
