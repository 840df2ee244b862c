"""Every API operation, fed requests generated from its OpenAPI document (schemathesis).

Whatever a client sends, well-formed or not, the answer is never a server error, its status is
one the document lists, and its body has the documented shape. The examples are derived from
the document alone (`derandomize`), so a run is repeatable: a failure here is a real one, and
the case it prints can be replayed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from harken.accounts.models import User
from harken.api.testing import BASE
from harken.customers.models import Company, Person
from harken.features.models import Feature
from harken.inbox.actions import do_link_note
from harken.inbox.models import Importance, Note
from harken.lib.testing import connection_kept
from harken.web.handler import HarkenWSGI

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Read through the WSGI application production serves, once, when the tests are collected.
schema = schemathesis.openapi.from_wsgi(f"{BASE}/openapi.json", HarkenWSGI())


@pytest.fixture
def _connection_kept() -> Iterator[None]:
    with connection_kept():
        yield


@pytest.fixture
def admin_token(admin: User, acme: Company, feature: Feature, token_for) -> str:  # type: ignore[no-untyped-def]
    """The admin's token; with a few rows behind small ids, so that generated ids also reach
    stored objects, not only 404s."""
    person = Person.objects.create(email="ada@acme.com", name="Ada", company=acme)
    note = Note.objects.create(title="Export fails", body="Fails on big boards", person=person)
    do_link_note(admin, note, feature, Importance.CRITICAL)
    return str(token_for(admin))


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    # The database fixtures are the test's, shared by its examples on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.usefixtures("_connection_kept")
def test_generated_requests_get_documented_answers(case: Case[Any], admin_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"}, checks=CHECKS)
