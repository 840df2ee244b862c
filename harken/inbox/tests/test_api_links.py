"""Links through the HTTP API: note -> feature evidence, its privacy and its cost."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from harken.accounts.models import TokenScope, User
from harken.api.testing import Api, assert_error
from harken.audit.models import AuditEvent
from harken.customers.models import Company
from harken.features.models import Feature
from harken.inbox.actions import IncomingNote, do_link_note, ingest_note
from harken.inbox.models import Importance, Link, Note, Source


def note_of(user: User, **fields: Any) -> Note:
    data: dict[str, Any] = {"title": "A note", "source": Source.EMAIL} | fields
    return ingest_note(user, IncomingNote(**data))[0]


def test_maker_links_a_passage_with_an_importance(
    client: Client, contributor: User, maker: User, acme: Company, feature: Feature
) -> None:
    note = note_of(
        contributor, body="We need a PDF of the monthly report for the board.", company_id=acme.pk
    )
    api = Api.as_user(client, maker)
    r = api.post(
        f"/notes/{note.pk}/links",
        {"feature_id": feature.pk, "importance": "critical", "highlight": "a PDF of the monthly"},
    )
    assert r.status_code == 201, r.content
    link = Link.objects.get()
    assert r.json() | {"created_at": None} == {
        "id": link.pk,
        "note_id": note.pk,
        "feature_id": feature.pk,
        "importance": "critical",
        "highlight": "a PDF of the monthly",
        "company_id": acme.pk,
        "created_by_id": maker.pk,
        "created_at": None,
    }
    feature.refresh_from_db()
    assert (feature.note_count, feature.company_count) == (1, 1)
    again = api.post(
        f"/notes/{note.pk}/links", {"feature_id": feature.pk, "importance": "important"}
    )
    assert again.status_code == 200
    assert again.json()["id"] == link.pk
    assert Link.objects.count() == 1
    assert AuditEvent.objects.filter(action="note.linked").count() == 1
    assert AuditEvent.objects.filter(action="note.link_updated").count() == 1


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({}, "feature_id", 400),
        ({"feature_id": 999_999}, "feature_id", 400),
        ({"feature_id": "pdf"}, "feature_id", 400),
        ({"feature_id": "FEATURE", "importance": "urgent"}, "importance", 400),
        ({"feature_id": "FEATURE", "highlight": "not in the note"}, "highlight", 400),
    ],
)
def test_bad_link_input_is_refused(
    client: Client,
    contributor: User,
    maker: User,
    feature: Feature,
    body: dict[str, Any],
    field: str,
    status: int,
) -> None:
    note = note_of(contributor)
    body = {k: feature.pk if v == "FEATURE" else v for k, v in body.items()}
    r = Api.as_user(client, maker).post(f"/notes/{note.pk}/links", body)
    assert_error(r, status, field=field)
    assert Link.objects.count() == 0


def test_link_to_an_unknown_note_is_404(client: Client, maker: User, feature: Feature) -> None:
    r = Api.as_user(client, maker).post("/notes/777/links", {"feature_id": feature.pk})
    assert_error(r, 404, "not_found")


def test_contributor_cannot_link_update_or_unlink(
    client: Client, contributor: User, maker: User, feature: Feature
) -> None:
    note = note_of(contributor)
    api = Api.as_user(client, contributor)
    assert_error(api.post(f"/notes/{note.pk}/links", {"feature_id": feature.pk}), 403, "forbidden")
    link, _ = do_link_note(maker, note, feature)
    assert_error(api.patch(f"/links/{link.pk}", {"importance": "critical"}), 403, "forbidden")
    assert_error(api.delete(f"/links/{link.pk}"), 403, "forbidden")
    link.refresh_from_db()
    assert link.importance == Importance.UNKNOWN


def test_update_and_delete_a_link(
    client: Client, contributor: User, maker: User, feature: Feature
) -> None:
    note = note_of(contributor, body="Exports are slow")
    link, _ = do_link_note(maker, note, feature, Importance.NICE_TO_HAVE, "Exports")
    api = Api.as_user(client, maker)
    r = api.patch(f"/links/{link.pk}", {"importance": "critical"})
    assert r.status_code == 200
    assert r.json()["importance"] == "critical"
    assert r.json()["highlight"] == "Exports"
    assert_error(api.patch(f"/links/{link.pk}", {"importance": "meh"}), 400, field="importance")
    assert_error(api.patch(f"/links/{link.pk}", {"highlight": "nope"}), 400, field="highlight")
    assert api.delete(f"/links/{link.pk}").status_code == 204
    assert not Link.objects.exists()
    feature.refresh_from_db()
    assert feature.note_count == 0
    assert_error(api.delete(f"/links/{link.pk}"), 404, "not_found")
    assert AuditEvent.objects.filter(action="note.unlinked").exists()


def test_feature_links_list_evidence_and_hide_confidential_notes(
    client: Client,
    contributor: User,
    other_contributor: User,
    maker: User,
    acme: Company,
    feature: Feature,
) -> None:
    public = note_of(contributor, title="Open", body="word " * 100, company_id=acme.pk)
    secret = note_of(contributor, title="Secret", confidential=True)
    do_link_note(maker, public, feature, Importance.CRITICAL)
    do_link_note(maker, secret, feature, Importance.IMPORTANT)
    as_maker = Api.as_user(client, maker, TokenScope.READ).get(f"/features/{feature.pk}/links")
    assert [i["note_title"] for i in as_maker.json()["items"]] == ["Secret", "Open"]
    item = as_maker.json()["items"][1]
    assert item["company"] == {"id": acme.pk, "name": "Acme Corp"}
    assert item["importance"] == "critical"
    assert item["excerpt"].endswith("…")
    assert len(item["excerpt"]) == 280
    as_other = Api.as_user(client, other_contributor, TokenScope.READ)
    body = as_other.get(f"/features/{feature.pk}/links").json()
    assert [i["note_title"] for i in body["items"]] == ["Open"]
    secret_link = Link.objects.get(note=secret)
    assert_error(as_other.patch(f"/links/{secret_link.pk}", {}), 403, "read_only_token")
    assert_error(
        as_other.get(f"/features/{feature.pk}/links", {"cursor": "x"}), 400, field="cursor"
    )
    assert_error(as_other.get("/features/999/links"), 404, "not_found")


def test_confidential_link_is_404_for_a_maker_only_action_by_a_contributor(
    client: Client, contributor: User, other_contributor: User, maker: User, feature: Feature
) -> None:
    secret = note_of(contributor, title="Secret", confidential=True)
    link, _ = do_link_note(maker, secret, feature)
    api = Api.as_user(client, other_contributor)
    # A write token whose user may not see the note learns nothing of it: 404 before 403.
    assert_error(api.delete(f"/links/{link.pk}"), 404, "not_found")
    assert_error(api.post(f"/notes/{secret.pk}/links", {"feature_id": feature.pk}), 404)


def _links_page_queries(api: Api, feature: Feature, limit: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = api.get(f"/features/{feature.pk}/links", {"limit": limit})
    assert r.status_code == 200
    assert len(r.json()["items"]) == limit
    return len(ctx.captured_queries)


def test_feature_links_page_is_cursor_paged_in_constant_queries(
    client: Client, contributor: User, maker: User, acme: Company, feature: Feature
) -> None:
    for i in range(30):
        note = note_of(contributor, title=f"N{i}", person_email=f"p{i}@acme.com")
        do_link_note(maker, note, feature)
    api = Api.as_user(client, maker, TokenScope.READ)
    api.get("/me")
    assert _links_page_queries(api, feature, 3) == _links_page_queries(api, feature, 30)
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 7} | ({"cursor": cursor} if cursor else {})
        body = api.get(f"/features/{feature.pk}/links", params).json()
        seen += [i["id"] for i in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 30
