"""Admin settings for areas, statuses and tags: admins only, every change audited."""

from __future__ import annotations

import pytest
from django.test import Client

from harken.accounts.models import User
from harken.audit.models import AuditEvent
from harken.features.actions import default_status
from harken.features.models import Area, Status, StatusCategory, Tag

PAGES = ["/settings/areas/", "/settings/statuses/", "/settings/tags/"]


@pytest.mark.parametrize("url", PAGES)
def test_settings_pages_send_anonymous_visitors_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("persona", ["viewer", "contributor", "maker"])
def test_settings_pages_refuse_non_admins(
    client: Client, request: pytest.FixtureRequest, persona: str, url: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url)
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()
    assert client.post(url, {"name": "Sneaky", "category": "open"}).status_code == 403
    assert not Area.objects.filter(name="Sneaky").exists()
    assert not Status.objects.filter(name="Sneaky").exists()
    assert not Tag.objects.filter(name="Sneaky").exists()


@pytest.mark.parametrize("url", PAGES)
def test_admin_sees_settings_with_the_sub_navigation(client: Client, admin: User, url: str) -> None:
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for link in ["/settings/users/", *PAGES, "/admin/"]:
        assert f'href="{link}"' in html


# Areas


def test_admin_creates_and_edits_areas(client: Client, admin: User, maker: User) -> None:
    client.force_login(admin)
    response = client.post("/settings/areas/", {"name": "Analytics", "owner": str(maker.pk)})
    assert response.status_code == 302
    analytics = Area.objects.get(name="Analytics")
    assert analytics.owner == maker
    response = client.post(
        "/settings/areas/", {"name": "Reporting", "parent": str(analytics.pk), "owner": ""}
    )
    reporting = Area.objects.get(name="Reporting")
    assert reporting.parent == analytics
    assert AuditEvent.objects.filter(action="area.created").count() == 2

    response = client.post(
        f"/settings/areas/{reporting.pk}/",
        {"name": "Reports", "parent": "", "owner": str(maker.pk)},
    )
    assert response.status_code == 302
    reporting.refresh_from_db()
    assert (reporting.name, reporting.parent_id, reporting.owner) == ("Reports", None, maker)
    event = AuditEvent.objects.get(action="area.updated", object_id=str(reporting.pk))
    assert event.changes["name"] == ["Reporting", "Reports"]

    html = client.get("/settings/areas/").content.decode()
    assert "Reports" in html
    assert "Mona" in html or "mona" in html


def test_area_cycle_is_400_and_changes_nothing(client: Client, admin: User) -> None:
    top = Area.objects.create(name="Analytics")
    child = Area.objects.create(name="Reporting", parent=top)
    client.force_login(admin)
    response = client.post(
        f"/settings/areas/{top.pk}/", {"name": "Analytics", "parent": str(child.pk)}
    )
    assert response.status_code == 400
    assert "cannot sit inside itself" in response.content.decode()
    top.refresh_from_db()
    assert top.parent is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required"),
        ({"name": "X", "parent": "424242"}, "That choice does not exist"),
        ({"name": "X", "owner": "424242"}, "That choice does not exist"),
        ({"name": "Analytics"}, "There is already an area named"),
    ],
)
def test_bad_area_is_400_with_a_message(
    client: Client, admin: User, data: dict[str, str], message: str
) -> None:
    Area.objects.create(name="Analytics")
    client.force_login(admin)
    response = client.post("/settings/areas/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Area.objects.count() == 1


def test_area_owner_must_be_a_product_manager(
    client: Client, admin: User, contributor: User
) -> None:
    area = Area.objects.create(name="Analytics")
    client.force_login(admin)
    response = client.post(
        f"/settings/areas/{area.pk}/", {"name": "Analytics", "owner": str(contributor.pk)}
    )
    assert response.status_code == 400
    area.refresh_from_db()
    assert area.owner is None


def test_maker_cannot_update_an_area(client: Client, maker: User) -> None:
    area = Area.objects.create(name="Analytics")
    client.force_login(maker)
    response = client.post(f"/settings/areas/{area.pk}/", {"name": "Renamed"})
    assert response.status_code == 403
    area.refresh_from_db()
    assert area.name == "Analytics"


# Statuses


def test_admin_creates_renames_reorders_and_sets_default_status(
    client: Client, admin: User
) -> None:
    first = default_status()
    client.force_login(admin)
    response = client.post("/settings/statuses/", {"name": "Researching", "category": "open"})
    assert response.status_code == 302
    new = Status.objects.get(name="Researching")
    assert new.category == StatusCategory.OPEN
    assert AuditEvent.objects.filter(action="status.created", object_id=str(new.pk)).exists()

    response = client.post(
        f"/settings/statuses/{new.pk}/",
        {"name": "Discovery", "category": "planned", "is_default": "on"},
    )
    assert response.status_code == 302
    new.refresh_from_db()
    first.refresh_from_db()
    assert (new.name, new.category, new.is_default) == ("Discovery", "planned", True)
    assert not first.is_default
    assert Status.objects.filter(is_default=True).count() == 1

    last = list(Status.objects.order_by("position", "name"))[-1]
    assert last.pk == new.pk
    response = client.post(f"/settings/statuses/{new.pk}/move/", {"direction": "up"})
    assert response.status_code == 302
    ordered = list(Status.objects.order_by("position", "name").values_list("pk", flat=True))
    assert ordered[-2] == new.pk
    assert AuditEvent.objects.filter(action="status.moved").exists()


def test_unticking_the_default_keeps_it(client: Client, admin: User) -> None:
    status = default_status()
    client.force_login(admin)
    response = client.post(
        f"/settings/statuses/{status.pk}/", {"name": "Open ideas", "category": "open"}
    )
    assert response.status_code == 302
    status.refresh_from_db()
    assert status.is_default
    assert status.name == "Open ideas"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "Later", "category": "someday"}, "Select a valid choice"),
        ({"name": "", "category": "open"}, "This field is required"),
        ({"name": "Planned", "category": "planned"}, "There is already a status named"),
    ],
)
def test_bad_status_is_400_with_a_message(
    client: Client, admin: User, data: dict[str, str], message: str
) -> None:
    default_status()
    before = Status.objects.count()
    client.force_login(admin)
    response = client.post("/settings/statuses/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Status.objects.count() == before


def test_renaming_a_status_to_a_taken_name_is_400(client: Client, admin: User) -> None:
    default_status()
    planned = Status.objects.get(name="Planned")
    client.force_login(admin)
    response = client.post(
        f"/settings/statuses/{planned.pk}/", {"name": "Released", "category": "planned"}
    )
    assert response.status_code == 400
    assert "There is already a status named" in response.content.decode()
    planned.refresh_from_db()
    assert planned.name == "Planned"


def test_bad_move_is_400(client: Client, admin: User) -> None:
    status = default_status()
    client.force_login(admin)
    response = client.post(f"/settings/statuses/{status.pk}/move/", {"direction": "sideways"})
    assert response.status_code == 400


def test_maker_cannot_change_statuses(client: Client, maker: User) -> None:
    status = default_status()
    client.force_login(maker)
    response = client.post(
        f"/settings/statuses/{status.pk}/", {"name": "Hacked", "category": "open"}
    )
    assert response.status_code == 403
    response = client.post(f"/settings/statuses/{status.pk}/move/", {"direction": "down"})
    assert response.status_code == 403
    status.refresh_from_db()
    assert status.name != "Hacked"
    assert status.position == 0


# Tags


def test_admin_creates_renames_and_deletes_tags(client: Client, admin: User) -> None:
    client.force_login(admin)
    assert client.post("/settings/tags/", {"name": "pricing"}).status_code == 302
    tag = Tag.objects.get(name="pricing")
    assert client.post(f"/settings/tags/{tag.pk}/", {"name": "Pricing"}).status_code == 302
    tag.refresh_from_db()
    assert tag.name == "Pricing"
    assert "Pricing" in client.get("/settings/tags/").content.decode()
    assert client.post(f"/settings/tags/{tag.pk}/delete/").status_code == 302
    assert not Tag.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"tag.created", "tag.renamed", "tag.deleted"} <= actions


def test_duplicate_tag_is_400(client: Client, admin: User) -> None:
    Tag.objects.create(name="Pricing")
    other = Tag.objects.create(name="Billing")
    client.force_login(admin)
    response = client.post("/settings/tags/", {"name": "PRICING"})
    assert response.status_code == 400
    assert "There is already a tag named" in response.content.decode()
    response = client.post(f"/settings/tags/{other.pk}/", {"name": "pricing"})
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.name == "Billing"


@pytest.mark.parametrize("persona", ["viewer", "contributor", "maker"])
def test_non_admins_cannot_rename_or_delete_tags(
    client: Client, request: pytest.FixtureRequest, persona: str, db: None
) -> None:
    tag = Tag.objects.create(name="Pricing")
    client.force_login(request.getfixturevalue(persona))
    assert client.post(f"/settings/tags/{tag.pk}/", {"name": "x"}).status_code == 403
    assert client.post(f"/settings/tags/{tag.pk}/delete/").status_code == 403
    tag.refresh_from_db()
    assert tag.name == "Pricing"


def test_settings_posts_send_anonymous_visitors_to_sign_in(client: Client, db: None) -> None:
    tag = Tag.objects.create(name="Pricing")
    assert client.post(f"/settings/tags/{tag.pk}/delete/").status_code == 302
    assert Tag.objects.exists()
