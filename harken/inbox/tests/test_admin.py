"""Django's admin edits a note's tags, kept in a table of their own (NoteTag)."""

from __future__ import annotations

from django.contrib import admin
from django.test import RequestFactory

from harken.accounts.models import User
from harken.api.testing import HarkenClient
from harken.features.models import Tag
from harken.inbox.actions import IncomingNote, ingest_note
from harken.inbox.models import Note


def test_admin_note_form_sets_tags(admin: User, contributor: User) -> None:
    note = ingest_note(contributor, IncomingNote(title="SSO please", tags=["sso", "pricing"]))[0]
    sso, pricing = Tag.objects.get(name="sso"), Tag.objects.get(name="pricing")
    billing = Tag.objects.create(name="billing")
    request = RequestFactory().get("/admin/")
    request.user = admin
    form_class = admin_site_note().get_form(request, note, fields=["tags"])
    form = form_class(data={"tags": [sso.pk, billing.pk]}, instance=note)
    assert form.is_valid(), form.errors
    form.save()
    assert sorted(t.name for t in note.tags.all()) == ["billing", "sso"]
    assert not pricing.notes.exists()


def test_admin_note_page_shows_tags(client: HarkenClient, admin: User, contributor: User) -> None:
    note = ingest_note(contributor, IncomingNote(title="SSO please", tags=["sso"]))[0]
    client.force_login(admin)
    page = client.get(f"/admin/inbox/note/{note.pk}/change/")
    assert page.status_code == 200
    assert 'name="tags"' in page.content.decode()


def test_admin_note_page_refuses_non_staff(client: HarkenClient, contributor: User) -> None:
    note = ingest_note(contributor, IncomingNote(title="SSO please", tags=["sso"]))[0]
    client.force_login(contributor)
    page = client.get(f"/admin/inbox/note/{note.pk}/change/")
    assert page.status_code == 302
    assert "/admin/login/" in page["Location"]


def admin_site_note() -> admin.ModelAdmin[Note]:
    return admin.site._registry[Note]
