"""The OpenAPI document and the docs page."""

from __future__ import annotations

import json

from django.test import Client

from harken.accounts.models import User
from harken.api.testing import Api, assert_error


def test_openapi_document_lists_every_resource(client: Client) -> None:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    doc = json.loads(r.content)
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path in (
        "/api/v1/notes",
        "/api/v1/notes/{note_id}",
        "/api/v1/notes/{note_id}/state",
        "/api/v1/notes/{note_id}/assignee",
        "/api/v1/notes/{note_id}/tags",
        "/api/v1/notes/{note_id}/links",
        "/api/v1/links/{link_id}",
        "/api/v1/features",
        "/api/v1/features/{feature_id}",
        "/api/v1/features/{feature_id}/links",
        "/api/v1/companies",
        "/api/v1/companies/by-domain/{domain}",
        "/api/v1/companies/{company_id}",
        "/api/v1/people",
        "/api/v1/people/{person_id}",
        "/api/v1/areas",
        "/api/v1/statuses",
        "/api/v1/releases",
        "/api/v1/tags",
        "/api/v1/me",
        "/api/v1/users",
    ):
        assert path in paths, path
    create = paths["/api/v1/notes"]["post"]
    assert {"200", "201", "400", "401", "403", "404"} <= set(create["responses"])
    assert doc["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    note_in = doc["components"]["schemas"]["NoteIn"]["properties"]
    assert note_in["customer_priority"]["anyOf"][0]["maximum"] == 10


def test_openapi_document_says_what_the_validators_accept(client: Client) -> None:
    schemas = json.loads(client.get("/api/v1/openapi.json").content)["components"]["schemas"]
    patch = schemas["FeaturePatch"]["properties"]
    # May be left out, never null: the document offers no null (the API answers 400 to one).
    assert patch["public"] == {"title": "Public", "type": "boolean"}
    assert patch["title"]["type"] == "string"
    assert "anyOf" not in patch["tickets"]
    assert schemas["CompanyIn"]["properties"]["deployment"] == {
        "$ref": "#/components/schemas/Deployment"
    }
    # Where null means something (clear the area), it stays.
    assert {"type": "null"} in patch["area_id"]["anyOf"]
    assert schemas["PersonIn"]["properties"]["email"]["format"] == "email"
    links = schemas["NoteIn"]["properties"]["links"]["items"]
    assert links["format"] == "uri"
    assert links["pattern"] == "^https?://"
    assert schemas["NoteIn"]["properties"]["title"]["pattern"] == r"\S"
    assert schemas["CompanyCreate"]["properties"]["domain"]["examples"] == ["acme.com"]


def test_documented_formats_do_not_change_what_is_refused(client: Client, admin: User) -> None:
    """The patterns are the document's: the validators still judge, with their own messages."""
    api = Api.as_user(client, admin)
    r = api.post("/features", {"title": "PDF export", "tickets": ["ftp://example.com/1"]})
    error = assert_error(r, 400)
    assert error["field"].startswith("tickets")
    assert "is not a web address" in error["message"]
    error = assert_error(api.patch("/features/999999", {"public": None}), 400)
    assert error["field"] == "public"
    assert "leave the field out" in error["message"]


def test_docs_page_loads(client: Client) -> None:
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    assert b"openapi.json" in r.content


def test_openapi_document_is_built_once_per_process(client: Client) -> None:
    from harken.api.urls import api

    first = client.get("/api/v1/openapi.json")
    again = client.get("/api/v1/openapi.json")
    assert first.content == again.content
    # The same object: the second request did not run the schema generation again.
    assert api.get_openapi_schema() is api.get_openapi_schema()
