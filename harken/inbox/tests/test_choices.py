"""The inbox's filter choices are kept a few seconds per process, and forgotten on a write."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from harken.accounts.models import User
from harken.features.actions import do_create_area
from harken.features.models import Area
from harken.inbox import choices
from harken.inbox.actions import IncomingNote, ingest_note


def _inbox(client: Client) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/inbox/").content.decode()
    return html, len(queries)


def test_choices_are_kept_between_pages(client: Client, maker: User, area: Area) -> None:
    client.force_login(maker)
    first, cold = _inbox(client)
    again, warm = _inbox(client)
    assert f">{area.name}</option>" in first
    assert f">{area.name}</option>" in again
    assert warm == cold - 3  # areas, teammates and tags came from the kept copy


def test_what_this_process_writes_shows_at_once(
    client: Client, maker: User, admin: User, contributor: User
) -> None:
    client.force_login(maker)
    _inbox(client)
    do_create_area(admin, "Reporting")
    ingest_note(contributor, IncomingNote(title="x", tags=["fresh-tag"], why={"problem": "y"}))
    User.objects.create(username="newbie", role="contributor", first_name="Nia")
    html, _ = _inbox(client)
    assert ">Reporting</option>" in html
    assert '<option value="fresh-tag">' in html
    assert ">Nia</option>" in html


def test_another_process_s_change_shows_once_the_copy_goes_stale(
    client: Client, maker: User, area: Area, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(maker)
    _inbox(client)
    # As another process would: a write this process sends no signal for.
    Area.objects.filter(pk=area.pk).update(name="Renamed elsewhere")
    html, _ = _inbox(client)
    assert ">Renamed elsewhere</option>" not in html
    monkeypatch.setattr(choices._Kept, "until", 0.0)  # KEEP_SECONDS have passed
    html, _ = _inbox(client)
    assert ">Renamed elsewhere</option>" in html
