"""Shared fixtures: named personas with graded access, and a small world for them to act in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from harken.accounts.actions import do_create_token, do_create_user
from harken.accounts.models import Role, TokenScope, User
from harken.api.testing import HarkenClient
from harken.customers.models import Company
from harken.features.actions import default_status
from harken.features.models import Area, Feature
from harken.inbox.choices import forget_choices

if TYPE_CHECKING:
    from pytest_django.plugin import DjangoDbBlocker


@pytest.fixture(autouse=True)
def _fresh_filter_choices() -> None:
    """Each test starts without the inbox's kept filter choices: a rolled-back test's areas,
    users and tags send no signal to forget them."""
    forget_choices()


@pytest.fixture
def client() -> HarkenClient:
    """Django's test client, with /api/ served through the API's own middleware chain."""
    return HarkenClient()


def _user(username: str, role: Role) -> User:
    return do_create_user(
        None, username, f"{username}@harken.test", role, password="correct-horse-battery"
    )


@pytest.fixture
def admin(db: None) -> User:
    return _user("ada", Role.ADMIN)


@pytest.fixture
def maker(db: None) -> User:
    return _user("mona", Role.MAKER)


@pytest.fixture
def contributor(db: None) -> User:
    return _user("carl", Role.CONTRIBUTOR)


@pytest.fixture
def other_contributor(db: None) -> User:
    return _user("cleo", Role.CONTRIBUTOR)


@pytest.fixture
def viewer(db: None) -> User:
    return _user("vera", Role.VIEWER)


@pytest.fixture
def acme(db: None) -> Company:
    return Company.objects.create(
        name="Acme Corp", domain="acme.com", arr=250_000, plan="Enterprise"
    )


@pytest.fixture
def globex(db: None) -> Company:
    return Company.objects.create(name="Globex", domain="globex.com", arr=40_000, plan="Team")


@pytest.fixture
def area(maker: User) -> Area:
    return Area.objects.create(name="Reporting", owner=maker)


@pytest.fixture
def feature(area: Area, maker: User) -> Feature:
    return Feature.objects.create(title="Export to PDF", area=area, status=default_status())


@pytest.fixture
def token_for():  # type: ignore[no-untyped-def]
    """token_for(user, scope) -> the raw bearer token."""

    def make(user: User, scope: TokenScope = TokenScope.WRITE) -> str:
        return do_create_token(None, user, "test", scope)[1]

    return make


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """pytest-django's test database, minus any session still connected to it at the end.

    The browser keeps its HTTP connections to the live server alive, and the server thread
    serving one holds a database connection until the browser goes, after the test database
    is dropped; PostgreSQL then refuses the drop ("being accessed by other users"). It is
    here rather than beside the browser tests so that it runs on every xdist worker: which
    test left the session that made the drop fail has not been found.
    """
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
