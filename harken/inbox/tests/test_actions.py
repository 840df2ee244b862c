from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from harken.accounts.models import User
from harken.audit.models import AuditEvent
from harken.customers.models import Company
from harken.features.actions import do_delete_tag
from harken.features.models import Feature, Tag
from harken.inbox.actions import (
    IncomingNote,
    do_link_note,
    do_set_note_state,
    ingest_note,
)
from harken.inbox.models import Importance, Note, NoteState, NoteTag, Source
from harken.lib.errors import ActionError, NotAllowed

WHY = {"wanted_to_do": "Send the board a monthly report", "why_not_great": "Manual copy-paste"}


def test_ingest_resolves_person_and_company_from_email(contributor: User, acme: Company) -> None:
    note, created = ingest_note(
        contributor,
        IncomingNote(title="PDF export", person_email="Jo@Acme.com", why=WHY),
    )
    assert created
    assert note.person is not None
    assert note.person.email == "jo@acme.com"
    assert note.company == acme
    assert AuditEvent.objects.filter(action="note.created", object_id=str(note.pk)).exists()


def test_same_external_id_returns_existing_note(contributor: User) -> None:
    incoming = IncomingNote(title="From GitHub", source=Source.GITHUB, external_id="issue-1")
    first, created = ingest_note(contributor, incoming)
    again, created_again = ingest_note(contributor, incoming)
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert Note.objects.count() == 1


def test_on_behalf_without_why_is_refused(contributor: User, acme: Company) -> None:
    with pytest.raises(ActionError) as err:
        ingest_note(contributor, IncomingNote(title="Wants SSO", company_id=acme.pk))
    assert err.value.code == "why_required"
    assert Note.objects.count() == 0


def test_viewer_cannot_file(viewer: User) -> None:
    with pytest.raises(NotAllowed):
        ingest_note(viewer, IncomingNote(title="x"))


def test_link_updates_feature_counts(
    maker: User, contributor: User, acme: Company, feature: Feature
) -> None:
    note, _ = ingest_note(
        contributor,
        IncomingNote(
            title="PDF", body="We need PDF export for the board", company_id=acme.pk, why=WHY
        ),
    )
    do_link_note(maker, note, feature, Importance.CRITICAL, highlight="PDF export")
    feature.refresh_from_db()
    assert (feature.note_count, feature.company_count, feature.score) == (1, 1, 4.0)
    with pytest.raises(ActionError):
        do_link_note(maker, note, feature, Importance.CRITICAL, highlight="not in the note")


def test_processing_notifies_submitter(maker: User, contributor: User) -> None:
    note, _ = ingest_note(contributor, IncomingNote(title="Dark mode"))
    do_set_note_state(maker, note, NoteState.PROCESSED, comment="Thanks, on the roadmap")
    notification = contributor.notifications.get()
    assert "Thanks, on the roadmap" in notification.text
    with pytest.raises(ActionError):
        do_set_note_state(
            maker, note, NoteState.SNOOZED, snoozed_until=timezone.now() - timedelta(1)
        )


def test_deleting_a_tag_or_a_note_leaves_no_tag_rows(maker: User, contributor: User) -> None:
    """The note-tag rows have no database foreign keys (see Note.tags): the ORM removes them."""
    first = ingest_note(contributor, IncomingNote(title="One", tags=["pricing", "sso"]))[0]
    second = ingest_note(contributor, IncomingNote(title="Two", tags=["pricing"]))[0]
    rows = NoteTag.objects
    assert rows.count() == 3
    do_delete_tag(maker, Tag.objects.get(name="pricing"))
    assert list(rows.values_list("note_id", flat=True)) == [first.pk]
    assert [t.name for t in first.tags.all()] == ["sso"]
    assert not second.tags.exists()
    first.delete()
    assert not rows.exists()
