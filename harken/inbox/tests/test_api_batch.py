"""POST /api/v1/notes/batch: many notes in one request, each stored, found or refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from harken.accounts.actions import do_set_role
from harken.accounts.models import Role, TokenScope, User
from harken.api.testing import Api, assert_error
from harken.audit.models import AuditEvent
from harken.customers.models import Company, Person
from harken.inbox.actions import IncomingNote, ingest_note
from harken.inbox.ingest_batch import BATCH_LIMIT
from harken.inbox.models import Note, Source

WHY = {"wanted_to_do": "Send the board a monthly report"}


def batch(api: Api, *notes: Any) -> dict[str, Any]:
    r = api.post("/notes/batch", {"notes": list(notes)})
    assert r.status_code == 200, r.content
    body: dict[str, Any] = r.json()
    assert len(body["results"]) == len(notes)
    return body


def test_contributor_files_many_notes_at_once(
    client: Client, contributor: User, acme: Company, globex: Company
) -> None:
    Person.objects.create(email="old@globex.com", company=globex)  # known, without a name
    body = batch(
        Api.as_user(client, contributor),
        {"title": "PDF export", "person_email": "Jo@Acme.com", "tags": ["PDF", "reporting"]},
        {"title": "SSO", "person_email": "old@globex.com", "person_name": "Olga"},
        {"title": "Dark mode", "person_email": "fan@gmail.com", "source": "email", **WHY},
        {"title": "For Globex", "company_id": globex.pk, "person_email": "sam@acme.com"},
        {"title": "Nobody's", "body": "Typed by hand", "received_at": "2026-01-05T10:00:00Z"},
    )
    assert (body["created"], body["existing"], body["refused"]) == (5, 0, 0)
    assert [r["status"] for r in body["results"]] == [201] * 5
    notes = [r["note"] for r in body["results"]]
    assert [n["title"] for n in notes] == [
        "PDF export",
        "SSO",
        "Dark mode",
        "For Globex",
        "Nobody's",
    ]
    assert all(r["error"] is None for r in body["results"])
    pdf, sso, dark, for_globex, nobody = notes
    assert pdf["company"] == {"id": acme.pk, "name": "Acme Corp"}
    assert pdf["person"]["email"] == "jo@acme.com"
    assert pdf["tags"] == ["PDF", "reporting"]
    assert pdf["source"] == "api"
    assert pdf["submitter_id"] == contributor.pk
    assert pdf["feature_links"] == []
    assert sso["company"]["id"] == globex.pk
    assert Person.objects.get(email="old@globex.com").name == "Olga"  # filled where empty
    assert dark["company"] is None  # a free-mail address names no employer
    assert for_globex["company"]["id"] == globex.pk  # the company given wins over the email's
    assert nobody["person"] is None
    assert nobody["received_at"] == "2026-01-05T10:00:00Z"
    stored = {n.title: n for n in Note.objects.prefetch_related("tags")}
    assert set(stored) == {n["title"] for n in notes}
    assert sorted(t.name for t in stored["PDF export"].tags.all()) == ["PDF", "reporting"]
    assert stored["SSO"].pk == sso["id"]
    created = AuditEvent.objects.filter(action="note.created", actor=contributor)
    assert sorted(int(e.object_id) for e in created) == sorted(n["id"] for n in notes)
    people = AuditEvent.objects.filter(action="person.created").values_list("changes", flat=True)
    assert sorted(c["email"] for c in people) == ["fan@gmail.com", "jo@acme.com", "sam@acme.com"]


def test_each_note_is_stored_found_or_refused_on_its_own(
    client: Client, contributor: User, acme: Company
) -> None:
    earlier = ingest_note(
        contributor, IncomingNote(title="Ticket 1", source=Source.ZENDESK, external_id="z-1")
    )[0]
    body = batch(
        Api.as_user(client, contributor),
        {"title": "Ticket 1 again", "source": "zendesk", "external_id": "z-1"},
        {"title": ""},
        {"title": "x", "customer_priority": 11},
        {"title": "Wants SSO", "source": "manual", "company_id": acme.pk},
        {"title": "x", "company_id": 999_999},
        "not an object",
        {"title": "Ticket 2", "source": "zendesk", "external_id": "z-2"},
        {"title": "Ticket 2, sent twice", "source": "zendesk", "external_id": "z-2"},
        {"title": "x", "unknown_field": 1},
    )
    statuses = [r["status"] for r in body["results"]]
    assert statuses == [200, 400, 400, 400, 400, 400, 201, 200, 400]
    assert (body["created"], body["existing"], body["refused"]) == (1, 2, 6)
    again, blank, priority, why, company, not_object, z2, z2_again, unknown = body["results"]
    assert again["note"]["id"] == earlier.pk
    assert again["note"]["title"] == "Ticket 1"
    assert z2_again["note"]["id"] == z2["note"]["id"]
    fields = {
        "blank": (blank, "title"),
        "priority": (priority, "customer_priority"),
        "why": (why, "wanted_to_do"),
        "company": (company, "company_id"),
        "not_object": (not_object, None),
        "unknown": (unknown, "unknown_field"),
    }
    for name, (result, field) in fields.items():
        assert result["note"] is None, name
        error = result["error"]
        assert error["field"] == field, (name, error)
        assert error["message"], name
        assert error["details"], name
    assert why["error"]["code"] == "why_required"
    assert "999999" in company["error"]["message"]
    assert sorted(Note.objects.values_list("title", flat=True)) == ["Ticket 1", "Ticket 2"]


def test_sending_a_batch_again_stores_nothing_new(client: Client, contributor: User) -> None:
    api = Api.as_user(client, contributor)
    notes = [{"title": f"T{i}", "source": "intercom", "external_id": f"c-{i}"} for i in range(5)]
    first = batch(api, *notes)
    second = batch(api, *notes)
    assert first["created"] == 5
    assert (second["created"], second["existing"]) == (0, 5)
    assert [r["note"]["id"] for r in second["results"]] == [
        r["note"]["id"] for r in first["results"]
    ]
    assert Note.objects.count() == 5
    assert AuditEvent.objects.filter(action="note.created").count() == 5


def test_replay_of_someone_elses_confidential_note_shows_nothing(
    client: Client, contributor: User, other_contributor: User, maker: User
) -> None:
    ingest_note(
        other_contributor,
        IncomingNote(title="Secret deal", external_id="x-1", confidential=True),
    )
    replay = {"title": "Mine", "source": "manual", "external_id": "x-1"}
    body = batch(Api.as_user(client, contributor), replay)
    assert body["results"][0]["status"] == 400
    assert body["results"][0]["error"]["code"] == "conflict"
    assert "Secret" not in str(body)
    # A maker may see every note, so the replay finds it.
    found = batch(Api.as_user(client, maker), replay)
    assert found["results"][0]["note"]["title"] == "Secret deal"
    assert Note.objects.count() == 1


def test_viewers_and_read_tokens_cannot_file(
    client: Client, contributor: User, admin: User, maker: User
) -> None:
    note = {"notes": [{"title": "x"}]}
    api = Api.as_user(client, contributor)
    do_set_role(admin, contributor, Role.VIEWER)
    assert_error(api.post("/notes/batch", note), 403, "forbidden")
    reader = Api.as_user(client, maker, TokenScope.READ)
    assert_error(reader.post("/notes/batch", note), 403, "read_only_token")
    assert_error(Api(client, None).post("/notes/batch", note), 401, "unauthorized")
    assert Note.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"notes": []},
        {"notes": {"title": "x"}},
        {"notes": [{"title": "x"}] * (BATCH_LIMIT + 1)},
        {"notes": [{"title": "x"}], "extra": 1},
        [{"title": "x"}],
    ],
)
def test_a_bad_envelope_is_refused_whole(client: Client, contributor: User, body: Any) -> None:
    r = Api.as_user(client, contributor).post("/notes/batch", body)
    assert_error(r, 400, "invalid")
    assert Note.objects.count() == 0


def test_broken_json_is_refused(client: Client, contributor: User) -> None:
    r = Api.as_user(client, contributor).post("/notes/batch", '{"notes": [')
    assert_error(r, 400, "malformed_json")


def test_a_batch_costs_a_fixed_number_of_queries(client: Client, contributor: User) -> None:
    api = Api.as_user(client, contributor)
    batch(api, {"title": "warm up", "tags": ["t0"]})

    def queries(size: int, run: str) -> int:
        notes = [
            {
                "title": f"{run} {i}",
                "person_email": f"p{i}-{run}@{run}.example",
                "tags": [f"t{i}", "shared"],
                "external_id": f"{run}-{i}",
            }
            for i in range(size)
        ]
        with CaptureQueriesContext(connection) as ctx:
            assert batch(api, *notes)["created"] == size
        return len(ctx.captured_queries)

    assert queries(3, "small") == queries(30, "large")
