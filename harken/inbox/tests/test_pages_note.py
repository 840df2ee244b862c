"""The note page and its triage endpoints: privacy, roles, linking, states, bad input."""

from __future__ import annotations

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
from harken.inbox.models import Importance, Link, Note, NoteState
from harken.notify.models import Notification

WHY = {"wanted_to_do": "Send the board a report", "why_not_great": "Copy-paste by hand"}
BODY = "Every month we export the dashboards.\nWe need a PDF export for the board meeting."


@pytest.fixture
def note(contributor: User, acme: Company) -> Note:
    return ingest_note(
        contributor,
        IncomingNote(
            title="Board report as PDF",
            body=BODY,
            company_id=acme.pk,
            person_email="jo@acme.com",
            person_name="Jo Park",
            customer_priority=8,
            links=["https://crm.example.com/deals/4711"],
            tags=["reporting"],
            why=WHY,
        ),
    )[0]


@pytest.fixture
def secret(contributor: User) -> Note:
    return ingest_note(
        contributor, IncomingNote(title="Pricing talk", body="Discount ask", confidential=True)
    )[0]


def _post(client: Client, note: Note, action: str, htmx: bool = False, **data: Any) -> Any:
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/notes/{note.pk}/{action}/", data, headers=headers)


# ---- reading ----


def test_anonymous_is_sent_to_sign_in(client: Client, note: Note) -> None:
    response = client.get(f"/notes/{note.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_maker_sees_the_whole_note_and_the_triage_panel(
    client: Client, maker: User, note: Note, acme: Company
) -> None:
    client.force_login(maker)
    response = client.get(f"/notes/{note.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Board report as PDF" in html
    assert "data-highlight-source" in html
    assert 'name="highlight"' in html
    assert "data-highlight-target" in html
    assert f'href="/companies/{acme.pk}/"' in html
    assert "Jo Park" in html
    assert "Copy-paste by hand" in html  # the experience report
    assert "https://crm.example.com/deals/4711" in html
    assert "Priority 8/10" in html
    assert "#reporting" in html
    assert "Mark processed" in html
    assert "filed this note" in html  # history


@pytest.mark.parametrize("persona", ["viewer", "contributor", "other_contributor"])
def test_others_read_the_note_without_triage(
    client: Client, note: Note, persona: str, request: Any
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/notes/{note.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Board report as PDF" in html
    assert "Mark processed" not in html
    assert 'name="feature_q"' not in html


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("viewer", 404),
        ("other_contributor", 404),
        ("contributor", 200),  # the submitter
        ("maker", 200),
        ("admin", 200),
    ],
)
def test_confidential_note_page(
    client: Client, secret: Note, persona: str, status: int, request: Any
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(f"/notes/{secret.pk}/")
    assert response.status_code == status
    assert ("Pricing talk" in response.content.decode()) == (status == 200)


def test_missing_note_looks_like_a_hidden_one(client: Client, viewer: User, secret: Note) -> None:
    client.force_login(viewer)
    hidden = client.get(f"/notes/{secret.pk}/")
    missing = client.get("/notes/999999/")
    assert hidden.status_code == missing.status_code == 404

    def main(html: bytes) -> str:
        return html.decode().split("<main>")[1]

    assert main(hidden.content) == main(missing.content)


def test_linked_passages_are_marked_in_the_body(
    client: Client, maker: User, note: Note, feature: Feature
) -> None:
    do_link_note(maker, note, feature, Importance.CRITICAL, highlight="a  PDF export")
    client.force_login(maker)
    html = client.get(f"/notes/{note.pk}/").content.decode()
    assert "We need <mark>a PDF export</mark> for the board" in html
    assert "linked it to" in html


def test_note_page_costs_the_same_queries_for_1_or_10_links(
    client: Client, maker: User, note: Note, feature: Feature, area: Area
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/notes/{note.pk}/").status_code == 200
        return len(ctx.captured_queries)

    client.force_login(maker)
    do_link_note(maker, note, feature, Importance.CRITICAL, highlight="PDF export")
    do_assign_note(maker, note, maker)
    few = count()
    for i in range(9):
        extra = Feature.objects.create(title=f"Variant {i}", area=area, status=feature.status)
        do_link_note(maker, note, extra, Importance.IMPORTANT, highlight="the board")
        do_assign_note(maker, note, None if i % 2 else maker)
    assert count() == few


def test_body_is_escaped(client: Client, maker: User, contributor: User) -> None:
    note = ingest_note(contributor, IncomingNote(title="x", body="<script>alert(1)</script>"))[0]
    client.force_login(maker)
    html = client.get(f"/notes/{note.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


# ---- who may post ----

TRIAGE_POSTS = [
    ("link", {"feature": "FEATURE", "importance": "critical"}),
    ("assign", {"assignee": ""}),
    ("state", {"state": "processed"}),
    ("tags", {"tags": "x"}),
]


@pytest.mark.parametrize(("action", "data"), TRIAGE_POSTS)
@pytest.mark.parametrize("persona", ["viewer", "contributor", "other_contributor"])
def test_only_makers_triage(
    client: Client,
    note: Note,
    feature: Feature,
    action: str,
    data: dict[str, Any],
    persona: str,
    request: Any,
) -> None:
    client.force_login(request.getfixturevalue(persona))
    data = {k: str(feature.pk) if v == "FEATURE" else v for k, v in data.items()}
    response = _post(client, note, action, **data)
    assert response.status_code == 403
    note.refresh_from_db()
    assert note.state == NoteState.NEW
    assert not Link.objects.exists()
    assert not Notification.objects.exists()


@pytest.mark.parametrize(("action", "data"), TRIAGE_POSTS)
def test_anonymous_posts_go_to_sign_in(
    client: Client, note: Note, action: str, data: dict[str, Any]
) -> None:
    response = _post(client, note, action, **data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_contributor_cannot_triage_a_confidential_note_they_cannot_see(
    client: Client, other_contributor: User, secret: Note
) -> None:
    client.force_login(other_contributor)
    assert _post(client, secret, "state", state="archived").status_code == 403


def test_triage_endpoints_only_take_posts(client: Client, maker: User, note: Note) -> None:
    client.force_login(maker)
    for action in ("link", "assign", "state", "tags"):
        assert client.get(f"/notes/{note.pk}/{action}/").status_code == 405


# ---- linking ----


def test_maker_links_a_passage_to_a_feature(
    client: Client, maker: User, note: Note, feature: Feature
) -> None:
    client.force_login(maker)
    response = _post(
        client, note, "link", feature=feature.pk, importance="critical", highlight="a PDF export"
    )
    assert response.status_code == 302
    assert response["Location"] == f"/notes/{note.pk}/"
    link = Link.objects.get()
    assert (link.feature, link.importance, link.highlight) == (
        feature,
        Importance.CRITICAL,
        "a PDF export",
    )
    feature.refresh_from_db()
    assert (feature.note_count, feature.company_count) == (1, 1)
    page = client.get(response["Location"]).content.decode()
    assert "Linked to “Export to PDF” (Critical)." in page


def test_linking_again_changes_the_importance(
    client: Client, maker: User, note: Note, feature: Feature
) -> None:
    do_link_note(maker, note, feature, Importance.NICE_TO_HAVE)
    client.force_login(maker)
    response = _post(client, note, "link", htmx=True, feature=feature.pk, importance="important")
    assert response.status_code == 200
    assert Link.objects.get().importance == Importance.IMPORTANT
    html = response.content.decode()
    assert 'id="note-main"' in html
    assert "<html" not in html
    assert "Updated the link to “Export to PDF” (Important)." in html


def test_maker_creates_a_feature_in_place(
    client: Client, maker: User, note: Note, area: Area
) -> None:
    client.force_login(maker)
    response = _post(
        client,
        note,
        "link",
        feature="new",
        feature_q="Scheduled PDF reports",
        importance="important",
        area=area.pk,
        highlight="PDF export",
    )
    assert response.status_code == 302
    created = Feature.objects.get(title="Scheduled PDF reports")
    assert created.area == area
    assert created.created_by == maker
    assert Link.objects.get().feature == created


def test_typing_without_picking_lists_the_matching_features(
    client: Client, maker: User, note: Note, feature: Feature
) -> None:
    Feature.objects.create(title="Dark mode", status=feature.status)
    client.force_login(maker)
    response = _post(client, note, "link", feature_q="pdf", highlight="PDF export")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Export to PDF" in html
    assert "Dark mode" not in html
    assert "Create a new feature" in html
    assert ">PDF export</textarea>" in html  # the passage survives
    assert not Link.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"feature": "FEATURE", "importance": "urgent"}, "Importance is one of"),
        ({"feature": "FEATURE", "importance": ""}, "Importance is one of"),
        ({"feature": "FEATURE", "importance": "unknown"}, "Importance is one of"),
        ({"feature": "999999", "importance": "critical"}, "There is no feature #999999"),
        ({"feature": "pdf", "importance": "critical"}, "Pick a feature from the list"),
        ({"importance": "critical"}, "Pick a feature to link to"),
        (
            {"feature": "FEATURE", "importance": "critical", "highlight": "not in the note"},
            "The highlighted passage is not in the note",
        ),
        ({"feature": "new", "feature_q": "  ", "importance": "critical"}, "needs a title"),
        ({"feature": "new", "feature_q": "X", "importance": "critical", "area": "99"}, "no area"),
        (
            {"feature": "new", "feature_q": "X", "importance": "critical", "highlight": "nope"},
            "The highlighted passage is not in the note",
        ),
    ],
)
def test_bad_link_input_is_a_400_and_stores_nothing(
    client: Client,
    maker: User,
    note: Note,
    feature: Feature,
    data: dict[str, Any],
    message: str,
) -> None:
    client.force_login(maker)
    data = {k: str(feature.pk) if v == "FEATURE" else v for k, v in data.items()}
    response = _post(client, note, "link", **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Link.objects.exists()
    assert list(Feature.objects.all()) == [feature]


def test_htmx_link_error_keeps_the_panel_and_what_was_typed(
    client: Client, maker: User, note: Note, feature: Feature
) -> None:
    client.force_login(maker)
    response = _post(
        client, note, "link", htmx=True, feature=feature.pk, importance="x", highlight="PDF export"
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="note-main"' in html
    assert "Importance is one of" in html
    assert ">PDF export</textarea>" in html


def test_feature_lookup(client: Client, maker: User, note: Note, feature: Feature) -> None:
    Feature.objects.create(title="Dark mode", status=feature.status)
    do_link_note(maker, note, feature, Importance.IMPORTANT)
    client.force_login(maker)
    response = client.get(f"/inbox/feature-lookup/?note={note.pk}&feature_q=export pdf")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{feature.pk}"' in html
    assert "linked</span>" in html
    assert "Dark mode" not in html
    assert 'value="new"' in html
    assert "<html" not in html


@pytest.mark.parametrize("persona", ["viewer", "contributor"])
def test_feature_lookup_is_for_makers(client: Client, persona: str, request: Any) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/inbox/feature-lookup/?feature_q=pdf").status_code == 403


def test_feature_lookup_anonymous(client: Client, db: None) -> None:
    assert client.get("/inbox/feature-lookup/?feature_q=pdf").status_code == 302


def test_unlink(client: Client, maker: User, note: Note, feature: Feature) -> None:
    link, _ = do_link_note(maker, note, feature, Importance.CRITICAL)
    client.force_login(maker)
    response = client.post(f"/notes/{note.pk}/links/{link.pk}/unlink/")
    assert response.status_code == 302
    assert not Link.objects.exists()
    feature.refresh_from_db()
    assert (feature.note_count, feature.score) == (0, 0.0)
    assert "unlinked it from" in client.get(f"/notes/{note.pk}/").content.decode()


def test_unlink_needs_the_link_of_this_note(
    client: Client, maker: User, contributor: User, note: Note, feature: Feature
) -> None:
    other = ingest_note(contributor, IncomingNote(title="Other"))[0]
    link, _ = do_link_note(maker, other, feature)
    client.force_login(maker)
    assert client.post(f"/notes/{note.pk}/links/{link.pk}/unlink/").status_code == 404
    assert client.post(f"/notes/{note.pk}/links/999/unlink/").status_code == 404
    assert Link.objects.count() == 1


@pytest.mark.parametrize("persona", ["viewer", "contributor"])
def test_unlink_refused(
    client: Client, maker: User, note: Note, feature: Feature, persona: str, request: Any
) -> None:
    link, _ = do_link_note(maker, note, feature)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(f"/notes/{note.pk}/links/{link.pk}/unlink/").status_code == 403
    assert Link.objects.count() == 1


# ---- assign, snooze, process, archive, reopen, tags ----


def test_assign_and_unassign(client: Client, maker: User, contributor: User, note: Note) -> None:
    client.force_login(maker)
    assert _post(client, note, "assign", assignee=contributor.pk).status_code == 302
    note.refresh_from_db()
    assert note.assignee == contributor
    assert _post(client, note, "assign", assignee="me").status_code == 302
    note.refresh_from_db()
    assert note.assignee == maker
    assert _post(client, note, "assign", assignee="").status_code == 302
    note.refresh_from_db()
    assert note.assignee is None


@pytest.mark.parametrize("assignee", ["999999", "carl!", "VIEWER"])
def test_bad_assignee_is_a_400(
    client: Client, maker: User, viewer: User, note: Note, assignee: str
) -> None:
    client.force_login(maker)
    value = str(viewer.pk) if assignee == "VIEWER" else assignee
    assert _post(client, note, "assign", assignee=value).status_code == 400
    note.refresh_from_db()
    assert note.assignee is None


def test_snooze_until_a_date(client: Client, maker: User, note: Note) -> None:
    client.force_login(maker)
    day = timezone.localdate() + timedelta(days=5)
    response = _post(client, note, "state", state="snoozed", until=day.isoformat())
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.state == NoteState.SNOOZED
    assert note.snoozed_until is not None
    assert timezone.localtime(note.snoozed_until).date() == day


@pytest.mark.parametrize("until", ["", "tomorrow", "2024-02-30", "2001-01-01"])
def test_bad_snooze_date_is_a_400(client: Client, maker: User, note: Note, until: str) -> None:
    client.force_login(maker)
    response = _post(client, note, "state", state="snoozed", until=until)
    assert response.status_code == 400
    assert "date" in response.content.decode()
    note.refresh_from_db()
    assert note.state == NoteState.NEW


def test_bad_state_is_a_400(client: Client, maker: User, note: Note) -> None:
    client.force_login(maker)
    assert _post(client, note, "state", state="deleted").status_code == 400


def test_processing_tells_the_submitter(
    client: Client, maker: User, contributor: User, note: Note, feature: Feature
) -> None:
    do_link_note(maker, note, feature, Importance.IMPORTANT)
    client.force_login(maker)
    response = _post(client, note, "state", state="processed", comment="Planned for Q3")
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.state == NoteState.PROCESSED
    assert note.processed_by == maker
    notification = Notification.objects.get(user=contributor)
    assert "Export to PDF" in notification.text
    assert "Planned for Q3" in notification.text
    assert notification.url == f"/notes/{note.pk}/"
    page = client.get(f"/notes/{note.pk}/").content.decode()
    assert "carl has been told." in page
    assert "Planned for Q3" in page  # the history keeps the comment


def test_process_and_next_walks_the_inbox(
    client: Client, maker: User, contributor: User, note: Note
) -> None:
    older = ingest_note(
        contributor,
        IncomingNote(title="Older", received_at=timezone.now() - timedelta(days=2)),
    )[0]
    client.force_login(maker)
    response = _post(client, note, "state", state="processed", then="next")
    assert response["Location"] == f"/notes/{older.pk}/"
    response = _post(client, older, "state", state="processed", then="next", htmx=True)
    assert response["HX-Redirect"] == "/inbox/"
    assert "Inbox zero" in client.get("/inbox/").content.decode()


def test_archive_and_reopen(client: Client, maker: User, note: Note) -> None:
    client.force_login(maker)
    response = _post(client, note, "state", htmx=True, state="archived")
    assert response.status_code == 200
    assert "Archived." in response.content.decode()
    note.refresh_from_db()
    assert note.state == NoteState.ARCHIVED
    do_set_note_state(maker, note, NoteState.PROCESSED)
    assert _post(client, note, "state", state="new").status_code == 302
    note.refresh_from_db()
    assert (note.state, note.processed_at) == (NoteState.NEW, None)


def test_admin_triages_too(client: Client, admin: User, note: Note, feature: Feature) -> None:
    client.force_login(admin)
    assert (
        _post(client, note, "link", feature=feature.pk, importance="important").status_code == 302
    )
    assert _post(client, note, "state", state="archived").status_code == 302
    note.refresh_from_db()
    assert note.state == NoteState.ARCHIVED
    assert Link.objects.get().created_by == admin


def test_tags(client: Client, maker: User, note: Note) -> None:
    client.force_login(maker)
    assert _post(client, note, "tags", tags="billing, Reporting , ").status_code == 302
    assert sorted(t.name for t in note.tags.all()) == ["billing", "reporting"]
