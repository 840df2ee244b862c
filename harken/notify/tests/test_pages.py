"""The notifications page and "mark all read"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from harken.accounts.models import User
from harken.notify.actions import notify
from harken.notify.models import Notification


def _texts(html: str) -> list[str]:
    return re.findall(
        r'data-testid="notification">.*?<(?:a href="[^"]*"|span)>([^<]+)<', html, re.S
    )


@pytest.mark.parametrize("url", ["/notifications/"])
def test_anonymous_is_sent_to_sign_in(client: Client, db: None, url: str) -> None:
    assert client.get(url).status_code == 302
    response = client.post("/notifications/read/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["viewer", "contributor", "maker", "admin"])
def test_every_user_sees_only_their_own_newest_first(
    client: Client, maker: User, other_contributor: User, persona: str, request: Any
) -> None:
    user = request.getfixturevalue(persona)
    notify(user.pk, maker, "note.processed", "First", "/notes/1/")
    notify(user.pk, maker, "note.processed", "Second", "/notes/2/")
    notify(other_contributor.pk, maker, "note.processed", "Not yours", "/notes/3/")
    client.force_login(user)
    response = client.get("/notifications/")
    html = response.content.decode()
    assert response.status_code == 200
    assert _texts(html) == ["Second", "First"]
    assert '<a href="/notes/2/">Second</a>' in html
    assert html.count('class="notif unread"') == 2
    assert "Mark all read" in html


def test_mark_all_read(client: Client, maker: User, contributor: User, viewer: User) -> None:
    notify(contributor.pk, maker, "x", "One", "/notes/1/")
    notify(contributor.pk, maker, "x", "Two", "/notes/2/")
    theirs = notify(viewer.pk, maker, "x", "Theirs", "/notes/3/")
    client.force_login(contributor)
    response = client.post("/notifications/read/")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"
    assert not Notification.objects.filter(user=contributor, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    html = client.get("/notifications/").content.decode()
    assert "Marked 2 notifications read." in html
    assert 'class="notif unread"' not in html
    assert "Mark all read" not in html
    assert 'data-testid="unread"' not in html  # the bell's badge is gone


def test_mark_all_read_only_by_post(client: Client, contributor: User) -> None:
    client.force_login(contributor)
    assert client.get("/notifications/read/").status_code == 405


def test_links_only_to_safe_addresses(client: Client, maker: User, contributor: User) -> None:
    notify(contributor.pk, maker, "x", "Evil", "javascript:alert(1)")
    notify(contributor.pk, maker, "x", "Offsite", "//evil.example.com/")
    notify(contributor.pk, maker, "x", "No link")
    client.force_login(contributor)
    html = client.get("/notifications/").content.decode()
    assert "javascript:" not in html
    assert "evil.example.com" not in html
    assert _texts(html) == ["No link", "Offsite", "Evil"]


def test_paging(client: Client, maker: User, contributor: User) -> None:
    for i in range(35):
        notify(contributor.pk, maker, "x", f"N{i:02}")
    client.force_login(contributor)
    first = client.get("/notifications/").content.decode()
    assert _texts(first) == [f"N{i:02}" for i in range(34, 4, -1)]
    older = re.search(r'href="(/notifications/\?cursor=[^"]+)" rel="next"', first)
    assert older is not None
    second = client.get(older.group(1)).content.decode()
    assert _texts(second) == [f"N{i:02}" for i in range(4, -1, -1)]
    assert "Older →" not in second


def test_bad_cursor_is_a_400(client: Client, contributor: User) -> None:
    client.force_login(contributor)
    assert client.get("/notifications/?cursor=%%%").status_code == 400


def test_costs_the_same_queries_for_3_or_30(client: Client, maker: User, contributor: User) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/notifications/").status_code == 200
        return len(ctx.captured_queries)

    client.force_login(contributor)
    for i in range(3):
        notify(contributor.pk, maker, "x", f"N{i}", f"/notes/{i}/")
    few = count()
    for i in range(27):
        notify(contributor.pk, maker if i % 2 else None, "x", f"M{i}", f"/notes/{i}/")
    assert count() == few
