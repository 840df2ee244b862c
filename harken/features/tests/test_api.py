"""Features and the lists clients pick from, through the HTTP API."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from harken.accounts.models import TokenScope, User
from harken.api.testing import Api, assert_error
from harken.audit.models import AuditEvent
from harken.features.actions import default_status, do_create_release, do_create_tag
from harken.features.models import Area, Feature, Release, Status, StatusCategory


def status(category: StatusCategory) -> Status:
    default_status()
    return Status.objects.get(category=category)


def test_maker_creates_a_feature(client: Client, maker: User, area: Area) -> None:
    release = do_create_release(maker, "2026.1")
    r = Api.as_user(client, maker).post(
        "/features",
        {
            "title": "Export to CSV",
            "description": "All tables",
            "area_id": area.pk,
            "effort": "m",
            "timeframe": "next",
            "release_id": release.pk,
            "tickets": ["https://tracker.example/T-1"],
            "public": True,
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    feature = Feature.objects.get()
    assert body["id"] == feature.pk
    assert body["area"] == {"id": area.pk, "name": "Reporting"}
    assert body["status"]["is_default"] is True
    assert body["release"]["name"] == "2026.1"
    assert (body["effort"], body["timeframe"], body["public"]) == ("m", "next", True)
    assert feature.created_by == maker
    assert AuditEvent.objects.filter(action="feature.created", object_id=str(feature.pk)).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "title"),
        ({"title": " "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "x", "effort": "huge"}, "effort"),
        ({"title": "x", "timeframe": "someday"}, "timeframe"),
        ({"title": "x", "area_id": 999}, "area_id"),
        ({"title": "x", "status_id": 999}, "status_id"),
        ({"title": "x", "release_id": 999}, "release_id"),
        ({"title": "x", "parent_id": 999}, "parent_id"),
        ({"title": "x", "tickets": ["T-1"]}, "tickets.0"),
        ({"title": "x", "public": "sure"}, "public"),
        ({"title": "x", "votes": 3}, "votes"),
    ],
)
def test_bad_feature_input_is_refused(
    client: Client, maker: User, body: dict[str, Any], field: str
) -> None:
    r = Api.as_user(client, maker).post("/features", body)
    assert_error(r, 400, field=field)
    assert not Feature.objects.exists()


def test_maker_updates_only_the_fields_sent(
    client: Client, maker: User, feature: Feature, area: Area
) -> None:
    api = Api.as_user(client, maker)
    planned = status(StatusCategory.PLANNED)
    parent = Feature.objects.create(title="Reports", status=planned)
    r = api.patch(
        f"/features/{feature.pk}",
        {"status_id": planned.pk, "effort": "s", "timeframe": "now", "parent_id": parent.pk},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"]["id"] == planned.pk
    assert (body["effort"], body["timeframe"], body["parent_id"]) == ("s", "now", parent.pk)
    assert body["title"] == "Export to PDF"
    assert body["area"]["id"] == area.pk
    r = api.patch(f"/features/{feature.pk}", {"area_id": None, "effort": None, "timeframe": None})
    assert (r.json()["area"], r.json()["effort"], r.json()["timeframe"]) == (None, "", "")
    event = AuditEvent.objects.filter(action="feature.updated").first()
    assert event is not None
    assert "area" in event.changes


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": None}, "title"),
        ({"status_id": None}, "status_id"),
        ({"public": None}, "public"),
        ({"title": ""}, "title"),
        ({"status_id": 999}, "status_id"),
        ({"parent_id": "SELF"}, "parent_id"),
        ({"effort": "huge"}, "effort"),
        ({"tickets": ["nope"]}, "tickets.0"),
        ({"description": 3}, "description"),
    ],
)
def test_bad_feature_update_changes_nothing(
    client: Client, maker: User, feature: Feature, body: dict[str, Any], field: str
) -> None:
    body = {k: feature.pk if v == "SELF" else v for k, v in body.items()}
    r = Api.as_user(client, maker).patch(f"/features/{feature.pk}", body)
    assert_error(r, 400, field=field)
    fresh = Feature.objects.get(pk=feature.pk)
    assert (fresh.title, fresh.parent_id, fresh.effort) == ("Export to PDF", None, "")
    assert not AuditEvent.objects.filter(action="feature.updated").exists()


def test_contributor_and_viewer_cannot_create_or_edit(
    client: Client, contributor: User, viewer: User, feature: Feature
) -> None:
    api = Api.as_user(client, contributor)
    assert_error(api.post("/features", {"title": "Mine"}), 403, "forbidden")
    assert_error(api.patch(f"/features/{feature.pk}", {"title": "Mine"}), 403, "forbidden")
    read = Api.as_user(client, viewer, TokenScope.READ)
    assert_error(read.post("/features", {"title": "Mine"}), 403, "read_only_token")
    assert read.get(f"/features/{feature.pk}").json()["title"] == "Export to PDF"
    assert Feature.objects.get().title == "Export to PDF"


def test_unknown_feature_is_404(client: Client, maker: User) -> None:
    api = Api.as_user(client, maker)
    assert_error(api.get("/features/999"), 404, "not_found")
    assert_error(api.patch("/features/999", {"title": "x"}), 404, "not_found")


def test_board_filters_and_sorts(client: Client, viewer: User, area: Area, maker: User) -> None:
    planned = status(StatusCategory.PLANNED)
    a = Feature.objects.create(title="Alpha", area=area, status=default_status(), company_count=5)
    b = Feature.objects.create(title="Beta", status=planned, vote_count=9, public=True)
    c = Feature.objects.create(title="Gamma charts", status=planned, company_count=1)
    api = Api.as_user(client, viewer, TokenScope.READ)

    def ids(**params: Any) -> list[int]:
        r = api.get("/features", params)
        assert r.status_code == 200, r.content
        return [f["id"] for f in r.json()["items"]]

    assert ids() == [a.pk, c.pk, b.pk]
    assert ids(sort="votes")[0] == b.pk
    assert ids(area=area.pk) == [a.pk]
    assert ids(status=planned.pk) == [c.pk, b.pk]
    assert ids(category="planned") == [c.pk, b.pk]
    assert ids(public="true") == [b.pk]
    assert ids(q="charts") == [c.pk]
    assert_error(api.get("/features", {"sort": "loudest"}), 400, field="sort")
    assert_error(api.get("/features", {"category": "maybe"}), 400, field="category")
    assert_error(api.get("/features", {"area": "x"}), 400, field="area")
    assert_error(api.get("/features", {"cursor": "bad"}), 400, field="cursor")


def test_board_pages_in_constant_queries(client: Client, viewer: User, area: Area) -> None:
    for i in range(30):
        Feature.objects.create(title=f"F{i}", area=area, status=default_status())
    api = Api.as_user(client, viewer, TokenScope.READ)
    api.get("/me")
    counts = []
    for limit in (3, 30):
        with CaptureQueriesContext(connection) as ctx:
            r = api.get("/features", {"limit": limit})
        assert len(r.json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == 2  # token, features with area, status and release
    first = api.get("/features", {"limit": 20}).json()
    second = api.get("/features", {"limit": 20, "cursor": first["next_cursor"]}).json()
    assert second["next_cursor"] is None
    ids = [f["id"] for f in first["items"] + second["items"]]
    assert len(set(ids)) == 30


def test_pick_lists(client: Client, viewer: User, maker: User, area: Area) -> None:
    child = Area.objects.create(name="Charts", parent=area)
    do_create_release(maker, "2026.1")
    do_create_tag(maker, "billing")
    api = Api.as_user(client, viewer, TokenScope.READ)
    areas = api.get("/areas").json()["items"]
    assert [(a["name"], a["depth"]) for a in areas] == [("Reporting", 0), ("Charts", 1)]
    assert areas[1]["parent_id"] == area.pk
    assert child.pk == areas[1]["id"]
    statuses = api.get("/statuses").json()["items"]
    assert {s["category"] for s in statuses} == set(StatusCategory.values)
    assert [r["name"] for r in api.get("/releases").json()["items"]] == ["2026.1"]
    assert api.get("/tags", {"q": "bill"}).json()["items"][0]["name"] == "billing"
    assert api.get("/tags", {"q": "zzz"}).json()["items"] == []
    page = api.get("/statuses", {"limit": 2}).json()
    assert len(page["items"]) == 2
    assert page["next_cursor"]
    assert Release.objects.count() == 1
    for path in ("/areas", "/statuses", "/releases", "/tags"):
        assert_error(api.get(path, {"limit": 1000}), 400, field="limit")
