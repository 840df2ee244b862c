"""Links over the API: a note (or a passage of it) as evidence for a feature."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status, codes_4xx

from harken.api.auth import actor
from harken.api.refs import resolve
from harken.api.schemas import ErrorOut, Id, Paging
from harken.features.access import access_feature
from harken.inbox.access import access_link, access_note
from harken.inbox.actions import do_link_note, do_unlink_note
from harken.inbox.models import Importance, Link
from harken.inbox.queries import feature_links_page
from harken.inbox.schemas import FeatureLinkPage, LinkIn, LinkOut, LinkPatch
from harken.lib.paging import Page

router = Router(tags=["links"])


@router.post("/notes/{note_id}/links", response={200: LinkOut, 201: LinkOut, codes_4xx: ErrorOut})
def link_note(request: HttpRequest, note_id: Id, payload: LinkIn) -> Status[Link]:
    """Link the note to a feature with an importance; 200 when it was linked already (updated)."""
    user = actor(request)
    note = access_note(user, note_id)
    feature = resolve(access_feature, user, payload.feature_id, "feature_id", "feature")
    assert feature is not None
    link, created = do_link_note(user, note, feature, payload.importance, payload.highlight)
    return Status(201 if created else 200, link)


@router.patch("/links/{link_id}", response={200: LinkOut, codes_4xx: ErrorOut})
def update_link(request: HttpRequest, link_id: Id, payload: LinkPatch) -> Link:
    """Change a link's importance or highlighted passage."""
    user = actor(request)
    link = access_link(user, link_id)
    importance = Importance(payload.importance or link.importance)
    highlight = link.highlight if payload.highlight is None else payload.highlight
    updated, _ = do_link_note(user, link.note, link.feature, importance, highlight)
    return updated


@router.delete("/links/{link_id}", response={204: None, codes_4xx: ErrorOut})
def delete_link(request: HttpRequest, link_id: Id) -> Status[None]:
    user = actor(request)
    do_unlink_note(user, access_link(user, link_id))
    return Status(204, None)


@router.get("/features/{feature_id}/links", response={200: FeatureLinkPage, codes_4xx: ErrorOut})
def feature_links(request: HttpRequest, feature_id: Id, paging: Query[Paging]) -> Page[Link]:
    """The notes linked to a feature, newest first, with company, importance and excerpt."""
    user = actor(request)
    feature = access_feature(user, feature_id)
    return feature_links_page(user, feature, paging.cursor, paging.limit)
