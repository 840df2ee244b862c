"""A feature's page: its evidence for every role, and editing it as a product manager."""

from __future__ import annotations

import pytest
from django.test import Client

from harken.accounts.models import User
from harken.accounts.tests.pages import linked_note, query_count
from harken.audit.models import AuditEvent
from harken.customers.models import Company
from harken.features.actions import default_status, do_create_release
from harken.features.models import Area, Feature, Status, StatusCategory, Timeframe
from harken.features.tests.helpers import ROLES, login
from harken.inbox.models import Importance

# The feature page


def test_feature_page_sends_anonymous_visitors_to_sign_in(client: Client, feature: Feature) -> None:
    response = client.get(f"/features/{feature.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ROLES)
def test_feature_page_shows_evidence_with_company_to_every_role(
    client: Client,
    request: pytest.FixtureRequest,
    persona: str,
    maker: User,
    contributor: User,
    acme: Company,
    feature: Feature,
) -> None:
    note, _ = linked_note(
        contributor, maker, feature, acme, importance=Importance.CRITICAL, highlight="by hand"
    )
    user = login(client, request, persona)
    response = client.get(f"/features/{feature.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/notes/{note.pk}/"' in html
    assert f'href="/companies/{acme.pk}/"' in html
    assert "Acme Corp" in html
    assert "Critical" in html
    assert "<mark>by hand</mark>" in html
    # Only product managers and admins get the edit forms.
    assert ('name="part" value="plan"' in html) == user.can_triage


def test_feature_page_hides_confidential_note_from_a_viewer(
    client: Client, viewer: User, maker: User, contributor: User, acme: Company, feature: Feature
) -> None:
    secret, _ = linked_note(
        contributor, maker, feature, acme, "Secret deal needs PDF", confidential=True
    )
    client.force_login(viewer)
    html = client.get(f"/features/{feature.pk}/").content.decode()
    assert "Secret deal needs PDF" not in html
    assert f"/notes/{secret.pk}/" not in html
    client.force_login(maker)
    html = client.get(f"/features/{feature.pk}/").content.decode()
    assert "Secret deal needs PDF" in html
    assert "Confidential" in html


def test_feature_page_shows_subfeatures_and_parent(
    client: Client, viewer: User, feature: Feature
) -> None:
    sub = Feature.objects.create(title="Page sizes", parent=feature, status=feature.status)
    client.force_login(viewer)
    html = client.get(f"/features/{feature.pk}/").content.decode()
    assert "Page sizes" in html
    html = client.get(f"/features/{sub.pk}/").content.decode()
    assert f'href="/features/{feature.pk}/"' in html
    assert "Part of" in html


def test_unknown_feature_is_404(client: Client, viewer: User) -> None:
    client.force_login(viewer)
    assert client.get("/features/999999/").status_code == 404


def test_feature_page_query_count_does_not_grow_with_notes(
    client: Client, maker: User, contributor: User, feature: Feature
) -> None:
    def add_links(start: int, count: int) -> None:
        for i in range(start, start + count):
            company = Company.objects.create(name=f"Company {i}", domain=f"c{i}.example")
            linked_note(contributor, maker, feature, company, f"Ask {i}")

    client.force_login(maker)
    add_links(0, 3)
    few = query_count(client, f"/features/{feature.pk}/")
    add_links(3, 27)
    many = query_count(client, f"/features/{feature.pk}/")
    assert few == many
    assert many <= 12


def test_feature_page_pages_its_evidence(
    client: Client, maker: User, contributor: User, acme: Company, feature: Feature
) -> None:
    for i in range(55):
        linked_note(contributor, maker, feature, acme, f"Ask {i}")
    client.force_login(maker)
    first = client.get(f"/features/{feature.pk}/")
    assert len(first.context["links"]) == 50
    cursor = first.context["next_cursor"]
    second = client.get(f"/features/{feature.pk}/?cursor={cursor}")
    assert len(second.context["links"]) == 5
    assert client.get(f"/features/{feature.pk}/?cursor=bogus!").status_code == 400


# Editing a feature


def plan(current: Status, **extra: str) -> dict[str, str]:
    data = {
        "part": "plan",
        "status": str(current.pk),
        "effort": "m",
        "timeframe": "now",
        "release": "",
        "tickets": "https://github.com/acme/app/issues/1\nhttps://tracker.example/T-2",
        "public": "on",
    }
    data.update(extra)
    return data


def test_maker_edits_the_plan(client: Client, maker: User, feature: Feature) -> None:
    default_status()
    planned = Status.objects.get(category=StatusCategory.PLANNED)
    release = do_create_release(maker, "2026.6")
    client.force_login(maker)
    response = client.post(
        f"/features/{feature.pk}/", plan(planned, release=str(release.pk), timeframe="")
    )
    assert response.status_code == 302
    feature.refresh_from_db()
    assert feature.status == planned
    assert feature.effort == "m"
    assert feature.timeframe == Timeframe.NONE
    assert feature.release == release
    assert feature.public
    assert feature.tickets == [
        "https://github.com/acme/app/issues/1",
        "https://tracker.example/T-2",
    ]
    event = AuditEvent.objects.get(action="feature.updated", object_id=str(feature.pk))
    assert event.actor == maker
    assert event.changes["status"] == [default_status().pk, planned.pk]


def test_maker_edits_the_details(client: Client, maker: User, feature: Feature, area: Area) -> None:
    other_area = Area.objects.create(name="Billing")
    parent = Feature.objects.create(title="Exports", status=feature.status)
    client.force_login(maker)
    response = client.post(
        f"/features/{feature.pk}/",
        {
            "part": "details",
            "title": "Export reports to PDF",
            "description": "With the logo.",
            "area": str(other_area.pk),
            "parent": str(parent.pk),
        },
    )
    assert response.status_code == 302
    feature.refresh_from_db()
    assert (feature.title, feature.description) == ("Export reports to PDF", "With the logo.")
    assert feature.area == other_area
    assert feature.parent == parent
    assert AuditEvent.objects.filter(action="feature.updated", object_id=str(feature.pk)).exists()


@pytest.mark.parametrize("persona", ["viewer", "contributor"])
def test_viewer_and_contributor_cannot_edit_a_feature(
    client: Client, request: pytest.FixtureRequest, persona: str, feature: Feature
) -> None:
    login(client, request, persona)
    response = client.post(f"/features/{feature.pk}/", plan(feature.status, public="on"))
    assert response.status_code == 403
    feature.refresh_from_db()
    assert not feature.public
    assert feature.effort == ""
    assert not AuditEvent.objects.filter(action="feature.updated").exists()


def test_anonymous_cannot_edit_a_feature(client: Client, feature: Feature) -> None:
    response = client.post(f"/features/{feature.pk}/", plan(feature.status))
    assert response.status_code == 302
    feature.refresh_from_db()
    assert feature.effort == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "999999"}, "That choice does not exist"),
        ({"status": "planned"}, "That choice does not exist"),
        ({"tickets": "not a url"}, "is not a web address"),
        ({"tickets": "javascript:alert(1)"}, "is not a web address"),
        ({"effort": "huge"}, "Select a valid choice"),
        ({"timeframe": "someday"}, "Select a valid choice"),
        ({"release": "999999"}, "That choice does not exist"),
        ({"part": "everything"}, "Send either the plan or the details"),
    ],
)
def test_bad_plan_is_400_with_a_message_and_changes_nothing(
    client: Client, maker: User, feature: Feature, change: dict[str, str], message: str
) -> None:
    client.force_login(maker)
    response = client.post(f"/features/{feature.pk}/", plan(feature.status, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    feature.refresh_from_db()
    assert feature.tickets == []
    assert not feature.public
    assert not AuditEvent.objects.filter(action="feature.updated").exists()


def test_parent_cycle_is_400_and_changes_nothing(
    client: Client, maker: User, feature: Feature
) -> None:
    child = Feature.objects.create(title="Page sizes", parent=feature, status=feature.status)
    client.force_login(maker)
    for parent, message in [
        (child.pk, "cannot be its own ancestor"),
        (feature.pk, "cannot be its own ancestor"),
        (999999, "There is no feature #999999"),
    ]:
        response = client.post(
            f"/features/{feature.pk}/",
            {"part": "details", "title": "Renamed", "parent": str(parent)},
        )
        assert response.status_code == 400
        assert message in response.content.decode()
    feature.refresh_from_db()
    assert feature.parent is None
    assert feature.title == "Export to PDF"


def test_blank_title_is_400(client: Client, maker: User, feature: Feature) -> None:
    client.force_login(maker)
    response = client.post(f"/features/{feature.pk}/", {"part": "details", "title": "  "})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    feature.refresh_from_db()
    assert feature.title == "Export to PDF"
