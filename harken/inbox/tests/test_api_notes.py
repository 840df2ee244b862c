"""Notes through the HTTP API, as each persona with a real token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from harken.accounts.actions import do_set_role
from harken.accounts.models import Role, TokenScope, User
from harken.api.testing import Api, assert_error
from harken.audit.models import AuditEvent
from harken.customers.models import Company
from harken.features.models import Feature, Tag
from harken.inbox.actions import IncomingNote, do_link_note, ingest_note
from harken.inbox.models import Importance, Note, NoteState, Source
from harken.notify.models import Notification

WHY = {"wanted_to_do": "Send the board a monthly report", "why_not_great": "Copy-paste by hand"}
# A note with every field a contributor fills in for a customer.
EVERYTHING = {
    "title": "Monthly PDF report",
    "body": "They export by hand every month.",
    "source": "sales_call",
    "source_url": "https://crm.example/call/7",
    "person_email": "Jo@Acme.com",
    "person_name": "Jo",
    "tags": ["reporting", "pdf"],
    "customer_priority": 8,
    "links": ["https://crm.example/deal/1"],
    "received_at": "2026-01-05T10:00:00+01:00",
    **WHY,
}


def note_of(user: User, **fields: Any) -> Note:
    data: dict[str, Any] = {"title": "A note", "source": Source.EMAIL} | fields
    return ingest_note(user, IncomingNote(**data))[0]


# Filing


def test_contributor_files_a_note_with_everything(
    client: Client, contributor: User, acme: Company
) -> None:
    api = Api.as_user(client, contributor)
    r = api.post("/notes", EVERYTHING)
    assert r.status_code == 201, r.content
    body = r.json()
    note = Note.objects.get()
    assert body["id"] == note.pk
    assert body["source"] == "sales_call"
    assert body["company"] == {"id": acme.pk, "name": "Acme Corp"}
    assert body["person"]["email"] == "jo@acme.com"
    assert body["tags"] == ["pdf", "reporting"]
    assert body["customer_priority"] == 8
    assert body["wanted_to_do"] == WHY["wanted_to_do"]
    assert body["submitter_id"] == contributor.pk
    assert note.received_at.isoformat() == "2026-01-05T09:00:00+00:00"
    assert AuditEvent.objects.filter(
        action="note.created", object_id=str(note.pk), actor=contributor
    ).exists()


def test_source_defaults_to_api(client: Client, contributor: User) -> None:
    r = Api.as_user(client, contributor).post("/notes", {"title": "From a script"})
    assert r.status_code == 201
    assert r.json()["source"] == "api"
    assert Note.objects.get().source == Source.API


def test_same_external_id_answers_200_with_the_stored_note(
    client: Client, contributor: User
) -> None:
    api = Api.as_user(client, contributor)
    first = api.post("/notes", {"title": "Ticket 1", "source": "zendesk", "external_id": "z-1"})
    again = api.post(
        "/notes", {"title": "Ticket 1 again", "source": "zendesk", "external_id": "z-1"}
    )
    other_source = api.post("/notes", {"title": "Same id elsewhere", "external_id": "z-1"})
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["title"] == "Ticket 1"
    assert other_source.status_code == 201
    assert Note.objects.count() == 2


def test_replay_of_a_confidential_note_someone_else_filed_shows_nothing(
    client: Client, contributor: User, other_contributor: User
) -> None:
    secret = note_of(other_contributor, title="Secret deal", external_id="x-1", confidential=True)
    r = Api.as_user(client, contributor).post(
        "/notes", {"title": "Mine", "source": "email", "external_id": "x-1"}
    )
    error = assert_error(r, 400, "conflict", "external_id")
    assert "Secret" not in r.content.decode()
    assert error["field"] == "external_id"
    assert Note.objects.get().pk == secret.pk


def test_feedback_for_a_customer_needs_the_why(
    client: Client, contributor: User, acme: Company
) -> None:
    api = Api.as_user(client, contributor)
    r = api.post("/notes", {"title": "Wants SSO", "source": "manual", "company_id": acme.pk})
    assert_error(r, 400, "why_required", "wanted_to_do")
    assert Note.objects.count() == 0
    r = api.post("/notes", {"title": "Wants SSO", "source": "manual", "company_id": acme.pk, **WHY})
    assert r.status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": 5}, "title"),
        ({"title": "x", "source": "pigeon"}, "source"),
        ({"title": "x", "customer_priority": 11}, "customer_priority"),
        ({"title": "x", "customer_priority": 0}, "customer_priority"),
        ({"title": "x", "customer_priority": "high"}, "customer_priority"),
        ({"title": "x", "links": ["not a url"]}, "links.0"),
        ({"title": "x", "links": "https://one.example"}, "links"),
        ({"title": "x", "source_url": "javascript:alert(1)"}, "source_url"),
        ({"title": "x", "person_email": "not-an-email"}, "person_email"),
        ({"title": "x", "company_id": 999_999}, "company_id"),
        ({"title": "x", "company_id": 2**64}, "company_id"),
        ({"title": "x", "company_id": "acme"}, "company_id"),
        ({"title": "x", "received_at": "yesterday"}, "received_at"),
        ({"title": "x", "received_at": "2026-01-05T10:00:00"}, "received_at"),
        ({"title": "x", "confidential": "maybe"}, "confidential"),
        ({"title": "x", "tags": [""]}, "tags.0"),
        ({"title": "x", "external_id": "  "}, "external_id"),
        ({"title": "x", "body": "nul \x00 byte"}, "body"),
        ({"title": "x", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    client: Client, contributor: User, acme: Company, body: dict[str, Any], field: str
) -> None:
    r = Api.as_user(client, contributor).post("/notes", body)
    assert_error(r, 400, field=field)
    assert Note.objects.count() == 0


@pytest.mark.parametrize(
    ("raw", "code", "status"),
    [
        ('{"title": "x"', "malformed_json", 400),
        ("[1, 2]", "invalid", 400),
        ('"just a string"', "invalid", 400),
        ('{"title": "x", "customer_priority": NaN}', "malformed_json", 400),
        (b"\xff\xfe\xfa", "malformed_json", 400),
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(
    client: Client, contributor: User, raw: str | bytes, code: str, status: int
) -> None:
    r = Api.as_user(client, contributor).post("/notes", raw)
    assert_error(r, status, code)
    assert Note.objects.count() == 0


def test_form_encoded_body_is_unsupported(
    client: Client, contributor: User, token_for: Any
) -> None:
    token = token_for(contributor)
    r = client.post("/api/v1/notes", {"title": "x"}, headers={"Authorization": f"Bearer {token}"})
    assert_error(r, 415, "unsupported_media_type")
    assert Note.objects.count() == 0


def test_viewer_cannot_file(client: Client, contributor: User, admin: User) -> None:
    api = Api.as_user(client, contributor)
    do_set_role(admin, contributor, Role.VIEWER)  # a write token outlives a demotion
    assert_error(api.post("/notes", {"title": "x"}), 403, "forbidden")
    assert Note.objects.count() == 0


def test_read_token_cannot_file(client: Client, maker: User) -> None:
    r = Api.as_user(client, maker, TokenScope.READ).post("/notes", {"title": "x"})
    assert_error(r, 403, "read_only_token")
    assert Note.objects.count() == 0


# Reading and listing


def test_confidential_notes_are_404_to_those_who_may_not_see_them(
    client: Client,
    contributor: User,
    other_contributor: User,
    viewer: User,
    maker: User,
    admin: User,
) -> None:
    secret = note_of(contributor, title="Secret", confidential=True)
    for user in (other_contributor, viewer):
        api = Api.as_user(client, user, TokenScope.READ)
        assert_error(api.get(f"/notes/{secret.pk}"), 404, "not_found")
        assert api.get("/notes").json()["items"] == []
        assert api.get("/notes", {"q": "Secret"}).json()["items"] == []
    for user in (contributor, maker, admin):
        api = Api.as_user(client, user, TokenScope.READ)
        assert api.get(f"/notes/{secret.pk}").json()["title"] == "Secret"
        assert [n["id"] for n in api.get("/notes").json()["items"]] == [secret.pk]


def test_unknown_note_is_404(client: Client, viewer: User) -> None:
    api = Api.as_user(client, viewer, TokenScope.READ)
    assert_error(api.get("/notes/12345"), 404, "not_found")
    assert_error(api.get("/notes/0"), 400, field="note_id")
    assert_error(api.get("/notes/abc"), 400, field="note_id")
    assert_error(api.get("/notes/99999999999999999999999"), 400, field="note_id")


def test_list_filters(
    client: Client,
    contributor: User,
    maker: User,
    acme: Company,
    globex: Company,
    feature: Feature,
) -> None:
    a = note_of(contributor, title="Export charts", company_id=acme.pk, tags=["charts"])
    b = note_of(maker, title="Dark mode", company_id=globex.pk, source=Source.SLACK)
    c = note_of(contributor, title="Invoice export")
    do_link_note(maker, a, feature)
    Note.objects.filter(pk=b.pk).update(state=NoteState.PROCESSED, assignee=maker)
    api = Api.as_user(client, maker, TokenScope.READ)

    def ids(**params: Any) -> list[int]:
        r = api.get("/notes", params)
        assert r.status_code == 200, r.content
        return [n["id"] for n in r.json()["items"]]

    assert ids() == [c.pk, b.pk, a.pk]
    assert ids(state="processed") == [b.pk]
    assert ids(source="slack") == [b.pk]
    assert ids(company=acme.pk) == [a.pk]
    assert ids(tag="Charts") == [a.pk]
    assert ids(submitter=maker.pk) == [b.pk]
    assert ids(assignee="me") == [b.pk]
    assert ids(assignee=str(maker.pk)) == [b.pk]
    assert ids(assignee="none") == [c.pk, a.pk]
    assert feature.area_id is not None
    assert ids(area=feature.area_id) == [a.pk]
    assert ids(q="export") == [c.pk, a.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "done"}, "state"),
        ({"source": "pigeon"}, "source"),
        ({"assignee": "bob"}, "assignee"),
        ({"company": "acme"}, "company"),
        ({"submitter": -1}, "submitter"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "MjAyNi0wMS0wMVQwMDowMDowMCswMDowMHw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"}, "cursor"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(
    client: Client, viewer: User, params: dict[str, Any], field: str
) -> None:
    r = Api.as_user(client, viewer, TokenScope.READ).get("/notes", params)
    assert_error(r, 400, field=field)


def test_cursor_paging_walks_every_note_once(client: Client, contributor: User) -> None:
    now = timezone.now()
    made = [
        note_of(contributor, title=f"Note {i}", received_at=now - timedelta(minutes=i % 3))
        for i in range(7)
    ]
    api = Api.as_user(client, contributor, TokenScope.READ)
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = api.get("/notes", params).json()
        seen += [n["id"] for n in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == sorted(n.pk for n in made)
    assert len(seen) == len(set(seen))


def _page_queries(client: Client, api: Api, limit: int) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = api.get("/notes", {"limit": limit})
    assert r.status_code == 200
    assert len(r.json()["items"]) == limit
    return len(ctx.captured_queries)


def test_a_page_of_30_notes_costs_what_a_page_of_3_does(
    client: Client, contributor: User, maker: User, acme: Company, feature: Feature
) -> None:
    for i in range(30):
        note = note_of(
            contributor,
            title=f"Note {i}",
            person_email=f"p{i}@acme.com",
            tags=["a", f"t{i}"],
        )
        do_link_note(maker, note, feature, Importance.IMPORTANT)
        Note.objects.filter(pk=note.pk).update(assignee=maker)
    api = Api.as_user(client, maker, TokenScope.READ)
    api.get("/me")  # the token's last_used_at is written once, not during the count
    small = _page_queries(client, api, 3)
    large = _page_queries(client, api, 30)
    assert small == large
    # token, notes (with company, person, assignee), tags, links with their features
    assert large == 4


# Triage


def test_maker_processes_a_note_and_the_submitter_hears(
    client: Client, contributor: User, maker: User
) -> None:
    note = note_of(contributor)
    r = Api.as_user(client, maker).post(
        f"/notes/{note.pk}/state", {"state": "processed", "comment": "Thanks!"}
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "processed"
    assert r.json()["processed_by_id"] == maker.pk
    assert Notification.objects.filter(user=contributor).exists()
    event = AuditEvent.objects.get(action="note.state_changed", object_id=str(note.pk))
    assert event.changes["comment"] == "Thanks!"


def test_snooze_needs_a_future_date(client: Client, contributor: User, maker: User) -> None:
    note = note_of(contributor)
    api = Api.as_user(client, maker)
    path = f"/notes/{note.pk}/state"
    assert_error(api.post(path, {"state": "snoozed"}), 400, field="snoozed_until")
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert_error(api.post(path, {"state": "snoozed", "snoozed_until": past}), 400)
    assert_error(
        api.post(path, {"state": "archived", "snoozed_until": "2099-01-01T00:00:00Z"}),
        400,
        field="snoozed_until",
    )
    assert_error(api.post(path, {"state": "done"}), 400, field="state")
    future = (timezone.now() + timedelta(days=3)).isoformat()
    r = api.post(path, {"state": "snoozed", "snoozed_until": future})
    assert r.status_code == 200
    assert r.json()["state"] == "snoozed"
    r = api.post(path, {"state": "new"})
    assert r.json()["snoozed_until"] is None


def test_assign_and_tag(client: Client, contributor: User, maker: User, viewer: User) -> None:
    note = note_of(contributor)
    api = Api.as_user(client, maker)
    r = api.put(f"/notes/{note.pk}/assignee", {"assignee_id": contributor.pk})
    assert r.status_code == 200
    assert r.json()["assignee_id"] == contributor.pk
    assert (
        api.put(f"/notes/{note.pk}/assignee", {"assignee_id": None}).json()["assignee_id"] is None
    )
    assert_error(
        api.put(f"/notes/{note.pk}/assignee", {"assignee_id": 999_999}), 400, field="assignee_id"
    )
    assert_error(api.put(f"/notes/{note.pk}/assignee", {}), 400, field="assignee_id")
    assert_error(
        api.put(f"/notes/{note.pk}/assignee", {"assignee_id": viewer.pk}), 400, field="assignee_id"
    )
    r = api.put(f"/notes/{note.pk}/tags", {"tags": ["Billing", "enterprise"]})
    assert r.json()["tags"] == ["Billing", "enterprise"]
    assert_error(api.put(f"/notes/{note.pk}/tags", {"tags": "billing"}), 400, field="tags")
    assert Tag.objects.count() == 2
    assert AuditEvent.objects.filter(action="note.assigned").count() == 2
    assert AuditEvent.objects.filter(action="note.tagged").count() == 1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/state", {"state": "archived"}),
        ("/assignee", {"assignee_id": None}),
        ("/tags", {"tags": ["x"]}),
    ],
)
def test_contributor_cannot_triage(
    client: Client, contributor: User, path: str, body: dict[str, Any]
) -> None:
    note = note_of(contributor)
    r = getattr(Api.as_user(client, contributor), "post" if path == "/state" else "put")(
        f"/notes/{note.pk}{path}", body
    )
    assert_error(r, 403, "forbidden")
    note.refresh_from_db()
    assert note.state == NoteState.NEW
    assert not note.tags.exists()
    assert (
        not AuditEvent.objects.exclude(action="note.created")
        .filter(object_type="inbox.note")
        .exists()
    )


def test_triage_of_an_unknown_note_is_404(client: Client, maker: User) -> None:
    r = Api.as_user(client, maker).post("/notes/4242/state", {"state": "archived"})
    assert_error(r, 404, "not_found")


def test_filing_a_note_costs_a_fixed_number_of_queries(client: Client, contributor: User) -> None:
    api = Api.as_user(client, contributor)
    api.get("/me")
    with CaptureQueriesContext(connection) as ctx:
        r = api.post("/notes", {"title": "Fast", "source": "github", "external_id": "g-1"})
    assert r.status_code == 201
    # token; replay check; savepoint, note, audit event, release. A new note has no tags
    # (none were sent) and no links: nothing is asked for them.
    assert len(ctx.captured_queries) == 6
    assert r.json()["tags"] == []
    assert r.json()["feature_links"] == []


def test_filing_a_note_answers_from_what_it_stored_without_reading_back(
    client: Client, contributor: User, acme: Company
) -> None:
    Tag.objects.create(name="Reporting")
    note_of(contributor, person_email="jo@acme.com")
    api = Api.as_user(client, contributor)
    api.get("/me")  # the token's last_used_at is written once, not during the count
    with CaptureQueriesContext(connection) as ctx:
        r = api.post(
            "/notes", {"title": "PDF", "person_email": "jo@acme.com", "tags": ["reporting", "pdf"]}
        )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["tags"] == ["Reporting", "pdf"]
    assert body["company"] == {"id": acme.pk, "name": "Acme Corp"}
    assert body["feature_links"] == []
    stored = Note.objects.get(pk=body["id"])
    assert sorted(t.name for t in stored.tags.all()) == ["Reporting", "pdf"]
    # token, person (with company), note, tags (+ creating "pdf" and reading it back),
    # tag rows, audit event, and the transaction's savepoint and release: no read-back.
    assert len(ctx.captured_queries) == 10, [q["sql"][:60] for q in ctx.captured_queries]
