"""Every 4xx has the one error shape, and no bad input reaches a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from harken.accounts.models import TokenScope, User
from harken.api.testing import Api, assert_error
from harken.audit.models import AuditEvent
from harken.customers.models import Company, Person
from harken.features.models import Feature
from harken.inbox.models import Link, Note

# Every endpoint that writes, with a body it accepts. NOTE/FEATURE/LINK stand for real ids.
WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("post", "/notes", {"title": "x"}),
    ("post", "/notes/NOTE/state", {"state": "archived"}),
    ("put", "/notes/NOTE/assignee", {"assignee_id": None}),
    ("put", "/notes/NOTE/tags", {"tags": ["x"]}),
    ("post", "/notes/NOTE/links", {"feature_id": "FEATURE"}),
    ("patch", "/links/LINK", {"importance": "critical"}),
    ("post", "/features", {"title": "x"}),
    ("patch", "/features/FEATURE", {"title": "y"}),
    ("post", "/companies", {"domain": "acme.com", "plan": "x"}),
    ("put", "/companies/by-domain/acme.com", {"plan": "x"}),
    ("post", "/people", {"email": "jo@acme.com"}),
]


@pytest.fixture
def world(admin: User, feature: Feature, acme: Company) -> dict[str, int]:
    note = Note.objects.create(title="Exports", body="We need exports")
    link = Link.objects.create(note=note, feature=feature)
    return {"NOTE": note.pk, "FEATURE": feature.pk, "LINK": link.pk}


def _path(template: str, world: dict[str, int]) -> str:
    for key, value in world.items():
        template = template.replace(key, str(value))
    return template


def _counts() -> tuple[int, ...]:
    return (
        Note.objects.count(),
        Link.objects.count(),
        Feature.objects.count(),
        Company.objects.count(),
        Person.objects.count(),
        AuditEvent.objects.exclude(action="token.created").count(),
    )


@pytest.mark.parametrize(("method", "template", "good"), WRITES)
@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ('{"broken": ', 400, "malformed_json"),
        ("[]", 400, "invalid"),
        ("42", 400, "invalid"),
        ('{"unknown_field": 1}', 400, "invalid"),
        ('{"title": "\\u0000"}', 400, "invalid"),
    ],
)
def test_bad_bodies_on_every_write_endpoint(
    client: Client,
    admin: User,
    world: dict[str, int],
    method: str,
    template: str,
    good: dict[str, Any],
    body: str,
    status: int,
    code: str,
) -> None:
    api = Api.as_user(client, admin)
    before = _counts()
    r = getattr(api, method)(_path(template, world), body)
    assert_error(r, status, code)
    assert _counts() == before


@pytest.mark.parametrize(("method", "template", "good"), WRITES)
def test_wrong_content_type_on_every_write_endpoint(
    client: Client,
    admin: User,
    world: dict[str, int],
    method: str,
    template: str,
    good: dict[str, Any],
) -> None:
    token = Api.as_user(client, admin).headers
    r = getattr(client, method)(
        "/api/v1" + _path(template, world),
        "title=x",
        content_type="application/x-www-form-urlencoded",
        headers=token,
    )
    assert_error(r, 415, "unsupported_media_type")


@pytest.mark.parametrize(("method", "template", "good"), WRITES)
def test_good_bodies_work_and_unknown_ids_in_the_path_are_404(
    client: Client,
    admin: User,
    world: dict[str, int],
    method: str,
    template: str,
    good: dict[str, Any],
) -> None:
    api = Api.as_user(client, admin)
    body = {k: world[v] if v == "FEATURE" else v for k, v in good.items()}
    r = getattr(api, method)(_path(template, world), body)
    assert r.status_code in (200, 201), r.content
    if not any(key in template for key in world):
        return
    missing = {key: 987_654 for key in world}
    assert_error(getattr(api, method)(_path(template, missing), body), 404, "not_found")
    huge = {key: 2**70 for key in world}
    assert_error(getattr(api, method)(_path(template, huge), body), 400, "invalid")


@pytest.mark.parametrize(
    "path",
    [
        "/notes",
        "/features",
        "/features/FEATURE/links",
        "/companies",
        "/people",
        "/areas",
        "/statuses",
        "/releases",
        "/tags",
        "/users",
    ],
)
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "ten"}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"cursor": "definitely-not"}, "cursor"),
        ({"cursor": "x" * 500}, "cursor"),
    ],
)
def test_bad_paging_on_every_list(
    client: Client,
    viewer: User,
    world: dict[str, int],
    path: str,
    params: dict[str, Any],
    field: str,
) -> None:
    api = Api.as_user(client, viewer, TokenScope.READ)
    assert_error(api.get(_path(path, world), params), 400, field=field)


def test_unknown_endpoint_and_method_answer_in_the_shape(client: Client, viewer: User) -> None:
    api = Api.as_user(client, viewer, TokenScope.READ)
    assert_error(api.get("/nothing-here"), 404, "not_found")
    assert_error(api.get("/"), 404, "not_found")
    assert_error(client.get("/api/v1/no/such/thing"), 404, "not_found")
    r = api.delete("/notes")
    assert_error(r, 405, "method_not_allowed")
    assert "GET" in r["Allow"]


def test_validation_error_names_every_problem(client: Client, contributor: User) -> None:
    r = Api.as_user(client, contributor).post(
        "/notes", {"title": 3, "customer_priority": 11, "tags": "x"}
    )
    error = assert_error(r, 400, "invalid", "title")
    assert {d["field"] for d in error["details"]} == {"title", "customer_priority", "tags"}
    assert error["message"].startswith("title: ")


def test_lone_surrogates_and_oversized_bodies_are_refused(
    client: Client, contributor: User, settings: Any
) -> None:
    api = Api.as_user(client, contributor)
    assert_error(api.post("/notes", '{"title": "\\ud800"}'), 400, "invalid", "title")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    assert_error(api.post("/notes", {"title": "x", "body": "y" * 2000}), 413, "too_large")
    assert not Note.objects.exists()
