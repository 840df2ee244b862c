"""The only way a surface obtains notes: these enforce roles and confidentiality."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from harken.accounts.access import staff
from harken.accounts.models import Role, User
from harken.inbox.models import Link, Note
from harken.lib.errors import NotFound


def visible_notes(user: User | AnonymousUser) -> QuerySet[Note]:
    """Notes this user may see: confidential ones only by makers, admins and their submitter."""
    member = staff(user)
    notes = Note.objects.all()
    if member.has_role(Role.MAKER):
        return notes
    return notes.filter(Q(confidential=False) | Q(submitter=member))


def may_see_note(user: User, note: Note) -> bool:
    """`visible_notes`'s rule for a note already loaded."""
    return user.has_role(Role.MAKER) or not note.confidential or note.submitter_id == user.pk


def access_note(user: User | AnonymousUser, note_id: int) -> Note:
    note = (
        visible_notes(user)
        .select_related("person", "company", "submitter", "assignee", "processed_by")
        .filter(pk=note_id)
        .first()
    )
    if note is None:
        # The same answer whether it does not exist or is confidential: no existence leak.
        raise NotFound("note")
    return note


def visible_links(user: User | AnonymousUser) -> QuerySet[Link]:
    member = staff(user)
    links = Link.objects.all()
    if member.has_role(Role.MAKER):
        return links
    return links.filter(Q(note__confidential=False) | Q(note__submitter=member))


def access_link(user: User | AnonymousUser, link_id: int) -> Link:
    link = visible_links(user).select_related("note", "feature").filter(pk=link_id).first()
    if link is None:
        raise NotFound("link")
    return link
