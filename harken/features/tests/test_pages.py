"""The feature board and the new-feature form, through HTTP as each persona."""

from __future__ import annotations

import pytest
from django.test import Client

from harken.accounts.models import User
from harken.accounts.tests.pages import linked_note, query_count
from harken.audit.models import AuditEvent
from harken.customers.models import Company
from harken.features.actions import default_status, do_create_release
from harken.features.models import Area, Feature, Status, StatusCategory
from harken.features.tests.helpers import ROLES, login, make_features
from harken.inbox.models import Importance

# The board


def test_board_sends_anonymous_visitors_to_sign_in(client: Client, feature: Feature) -> None:
    response = client.get("/features/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/features/")


@pytest.mark.parametrize("persona", ROLES)
def test_every_staff_role_reads_the_board(
    client: Client, request: pytest.FixtureRequest, persona: str, feature: Feature
) -> None:
    user = login(client, request, persona)
    response = client.get("/features/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Export to PDF" in html
    assert f'href="/features/{feature.pk}/"' in html
    assert "Reporting" in html  # the area tree and the row's area
    assert ("New feature" in html) == user.can_triage


def test_board_rows_show_counts_status_and_release(
    client: Client, maker: User, contributor: User, acme: Company, feature: Feature
) -> None:
    linked_note(contributor, maker, feature, acme, importance=Importance.CRITICAL)
    feature.refresh_from_db()
    feature.release = do_create_release(maker, "2026.5")
    feature.save()
    client.force_login(contributor)
    html = client.get("/features/").content.decode()
    assert "Under consideration" in html
    assert "2026.5" in html
    assert feature.score > 0
    assert f"<strong>{feature.score:.1f}</strong>" in html


def test_board_area_links_keep_the_other_filters(
    client: Client, viewer: User, feature: Feature
) -> None:
    client.force_login(viewer)
    assert feature.area_id is not None
    html = client.get("/features/?sort=votes&page=1").content.decode()
    assert f'href="?sort=votes&amp;area={feature.area_id}"' in html
    html = client.get("/features/").content.decode()
    assert f'href="?area={feature.area_id}"' in html
    # The area tree marks the area browsed; "All areas" keeps the sort and drops the area.
    html = client.get(f"/features/?sort=votes&area={feature.area_id}&public=no").content.decode()
    browsed = f'href="?sort=votes&amp;public=no&amp;area={feature.area_id}" aria-current="true"'
    assert browsed in html
    assert 'href="?sort=votes&amp;public=no" >All areas' in html
    # The filter form shows what was chosen.
    assert '<option value="votes" selected>' in html
    assert '<option value="no" selected>Internal only</option>' in html
    assert f'<input type="hidden" name="area" value="{feature.area_id}">' in html


def test_board_filters_by_status_category_area_public_and_text(
    client: Client, viewer: User, maker: User, area: Area
) -> None:
    status = default_status()
    planned = Status.objects.get(category=StatusCategory.PLANNED)
    child = Area.objects.create(name="Scheduled reports", parent=area)
    other = Area.objects.create(name="Billing")
    Feature.objects.create(title="Invoice export", area=other, status=planned, public=True)
    Feature.objects.create(title="Weekly schedule", area=child, status=status)
    Feature.objects.create(title="Chart colours", area=area, status=status)
    client.force_login(viewer)

    def titles(query: str) -> set[str]:
        response = client.get("/features/?" + query)
        assert response.status_code == 200
        return {f.title for f in response.context["features"]}

    assert titles(f"status={planned.pk}") == {"Invoice export"}
    assert titles("category=planned") == {"Invoice export"}
    assert titles("category=open") == {"Weekly schedule", "Chart colours"}
    assert titles(f"area={area.pk}") == {"Weekly schedule", "Chart colours"}  # with its children
    assert titles(f"area={child.pk}") == {"Weekly schedule"}
    assert titles("public=yes") == {"Invoice export"}
    assert titles("public=no") == {"Weekly schedule", "Chart colours"}
    assert titles("q=invoice") == {"Invoice export"}


@pytest.mark.parametrize(
    ("sort", "first"), [("companies", "A"), ("votes", "B"), ("score", "C"), ("recent", "D")]
)
def test_board_sorts(client: Client, viewer: User, sort: str, first: str) -> None:
    status = default_status()
    Feature.objects.create(title="A", status=status, company_count=9)
    Feature.objects.create(title="B", status=status, vote_count=9)
    Feature.objects.create(title="C", status=status, score=9)
    Feature.objects.create(title="D", status=status)
    client.force_login(viewer)
    response = client.get(f"/features/?sort={sort}")
    assert response.context["features"][0].title == first


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("area=abc", "Area must be a number"),
        ("status=1x", "Status must be a number"),
        ("category=someday", "Category must be one of"),
        ("sort=loudest", "Sort must be one of"),
        ("public=maybe", "Public must be yes or no"),
    ],
)
def test_board_bad_filters_answer_400_with_a_message(
    client: Client, viewer: User, query: str, message: str
) -> None:
    client.force_login(viewer)
    response = client.get("/features/?" + query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_board_pages(client: Client, viewer: User, area: Area) -> None:
    make_features(60, area)
    client.force_login(viewer)
    first = client.get("/features/")
    second = client.get("/features/?page=2")
    assert len(first.context["features"]) == 50
    assert len(second.context["features"]) == 11  # 60 and their parent
    assert "Page 2 of 2" in second.content.decode()


def test_board_query_count_does_not_grow_with_rows(
    client: Client, viewer: User, area: Area
) -> None:
    client.force_login(viewer)
    make_features(3, area)
    few = query_count(client, "/features/")
    make_features(27, area, start=3)
    many = query_count(client, "/features/")
    assert few == many
    # session, user, unread count, statuses, area tree, area counts, page count, page rows
    assert many <= 9


# A new feature


def test_maker_creates_a_feature(client: Client, maker: User, area: Area) -> None:
    client.force_login(maker)
    assert client.get(f"/features/new/?area={area.pk}").status_code == 200
    response = client.post(
        "/features/new/",
        {"title": "Dark mode", "description": "Please", "area": str(area.pk), "public": "on"},
    )
    feature = Feature.objects.get(title="Dark mode")
    assert response.status_code == 302
    assert response["Location"] == f"/features/{feature.pk}/"
    assert feature.area == area
    assert feature.public
    assert feature.status.is_default
    assert feature.created_by == maker
    assert AuditEvent.objects.filter(action="feature.created", object_id=str(feature.pk)).exists()


@pytest.mark.parametrize("persona", ["viewer", "contributor"])
def test_only_makers_create_features(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    login(client, request, persona)
    assert client.get("/features/new/").status_code == 403
    assert client.post("/features/new/", {"title": "Dark mode"}).status_code == 403
    assert not Feature.objects.exists()


def test_new_feature_bad_input_is_400(client: Client, maker: User) -> None:
    client.force_login(maker)
    response = client.post("/features/new/", {"title": "", "status": "424242"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was created" in html
    assert "This field is required" in html
    assert not Feature.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/features/99999999999999999999999/",
        "/features/?area=999999999999999999",
        "/features/?status=99999999999999999999999",
        "/features/?page=abc",
        "/features/?page=-1",
        "/features/?q=%22%27*%28%29+OR+NEAR",
        "/companies/99999999999999999999999/",
        "/companies/?q=%25_%27&page=999",
    ],
)
def test_odd_input_never_answers_500(
    client: Client, viewer: User, feature: Feature, url: str
) -> None:
    client.force_login(viewer)
    assert client.get(url).status_code in (200, 400, 404)
