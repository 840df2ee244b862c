"""Companies and people through the HTTP API: upserts by domain and email, lists, roles."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from harken.accounts.actions import do_set_role
from harken.accounts.models import Role, TokenScope, User
from harken.api.testing import Api, assert_error
from harken.audit.models import AuditEvent
from harken.customers.actions import do_add_company_domain
from harken.customers.models import Company, CompanyDomain, Person


def test_put_by_domain_creates_then_updates(client: Client, contributor: User, maker: User) -> None:
    api = Api.as_user(client, contributor)
    r = api.put(
        "/companies/by-domain/initech.com",
        {"name": "Initech", "arr": 120_000, "plan": "Team", "account_owner_id": maker.pk},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    company = Company.objects.get(domain="initech.com")
    assert body["id"] == company.pk
    assert (body["arr"], body["account_owner_id"], body["domains"]) == (
        120_000,
        maker.pk,
        ["initech.com"],
    )
    r = api.put("/companies/by-domain/INITECH.com", {"arr": 150_000, "deployment": "self_managed"})
    assert r.status_code == 200
    assert (r.json()["arr"], r.json()["name"], r.json()["deployment"]) == (
        150_000,
        "Initech",
        "self_managed",
    )
    assert Company.objects.count() == 1
    assert AuditEvent.objects.filter(action="company.created").count() == 1
    event = AuditEvent.objects.get(action="company.updated")
    assert event.changes["arr"] == [120_000, 150_000]


def test_post_upserts_by_domain_too(client: Client, contributor: User, acme: Company) -> None:
    api = Api.as_user(client, contributor)
    r = api.post("/companies", {"domain": "https://www.acme.com/about", "plan": "Enterprise+"})
    assert r.status_code == 200
    assert r.json()["id"] == acme.pk
    assert r.json()["plan"] == "Enterprise+"
    r = api.post("/companies", {"domain": "hooli.com", "name": "Hooli"})
    assert r.status_code == 201


def test_an_extra_domain_finds_its_company(
    client: Client, contributor: User, acme: Company
) -> None:
    do_add_company_domain(contributor, acme, "acme.io")
    r = Api.as_user(client, contributor).put("/companies/by-domain/acme.io", {"arr": 1})
    assert r.status_code == 200
    assert r.json()["id"] == acme.pk
    assert r.json()["domains"] == ["acme.com", "acme.io"]


@pytest.mark.parametrize(
    ("domain", "body", "field"),
    [
        ("newco.com", {}, "name"),
        ("newco.com", {"name": ""}, "name"),
        ("not a domain", {"name": "X"}, "domain"),
        ("newco.com", {"name": "X", "arr": -1}, "arr"),
        ("newco.com", {"name": "X", "arr": 2**64}, "arr"),
        ("newco.com", {"name": "X", "arr": "lots"}, "arr"),
        ("newco.com", {"name": "X", "deployment": "cloud"}, "deployment"),
        ("newco.com", {"name": "X", "crm_url": "crm/1"}, "crm_url"),
        ("newco.com", {"name": "X", "account_owner_id": 99999}, "account_owner_id"),
        ("newco.com", {"name": None}, "name"),
        ("newco.com", {"name": "X", "segments": "smb"}, "segments"),
        ("newco.com", {"name": "X", "custom_fields": {"k": "\x00"}}, "custom_fields"),
        ("newco.com", {"name": "X", "ceo": "Bob"}, "ceo"),
    ],
)
def test_bad_company_input_stores_nothing(
    client: Client, contributor: User, domain: str, body: dict[str, Any], field: str
) -> None:
    r = Api.as_user(client, contributor).put(f"/companies/by-domain/{domain}", body)
    assert_error(r, 400, field=field)
    assert not Company.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="company.").exists()


def test_post_needs_a_domain(client: Client, contributor: User) -> None:
    assert_error(
        Api.as_user(client, contributor).post("/companies", {"name": "X"}), 400, field="domain"
    )


def test_viewer_reads_companies_but_cannot_write(
    client: Client, viewer: User, contributor: User, admin: User, acme: Company
) -> None:
    read = Api.as_user(client, viewer, TokenScope.READ)
    r = read.get(f"/companies/{acme.pk}")
    assert r.status_code == 200
    assert r.json()["arr"] == 250_000
    assert_error(read.put("/companies/by-domain/acme.com", {"arr": 1}), 403, "read_only_token")
    write = Api.as_user(client, contributor)
    do_set_role(admin, contributor, Role.VIEWER)
    assert_error(write.put("/companies/by-domain/acme.com", {"arr": 1}), 403, "forbidden")
    assert_error(write.post("/people", {"email": "x@acme.com"}), 403, "forbidden")
    acme.refresh_from_db()
    assert acme.arr == 250_000
    assert not Person.objects.exists()


def test_unknown_company_is_404(client: Client, viewer: User) -> None:
    api = Api.as_user(client, viewer, TokenScope.READ)
    assert_error(api.get("/companies/4242"), 404, "not_found")
    assert_error(api.get("/companies/x"), 400, field="company_id")


def test_company_list_pages_by_arr_in_constant_queries(client: Client, viewer: User) -> None:
    for i in range(30):
        company = Company.objects.create(name=f"Co {i:02}", domain=f"co{i}.com", arr=i * 1000)
        CompanyDomain.objects.create(company=company, domain=f"co{i}.io")
    api = Api.as_user(client, viewer, TokenScope.READ)
    api.get("/me")
    counts = []
    for limit in (3, 30):
        with CaptureQueriesContext(connection) as ctx:
            r = api.get("/companies", {"limit": limit})
        assert len(r.json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    first = api.get("/companies", {"limit": 25}).json()
    assert first["items"][0]["name"] == "Co 29"
    assert first["items"][0]["domains"] == ["co29.com", "co29.io"]
    rest = api.get("/companies", {"limit": 25, "cursor": first["next_cursor"]}).json()
    assert len(rest["items"]) == 5
    assert rest["next_cursor"] is None
    assert [c["name"] for c in api.get("/companies", {"q": "co7.io"}).json()["items"]] == ["Co 07"]
    assert api.get("/companies", {"sort": "name", "limit": 1}).json()["items"][0]["name"] == "Co 00"
    assert_error(api.get("/companies", {"sort": "size"}), 400, field="sort")
    assert_error(api.get("/companies", {"cursor": "bad"}), 400, field="cursor")


def test_people_create_or_get_by_email(
    client: Client, contributor: User, acme: Company, globex: Company
) -> None:
    api = Api.as_user(client, contributor)
    r = api.post("/people", {"email": "Jo@Acme.com", "name": "Jo"})
    assert r.status_code == 201, r.content
    assert r.json()["company"] == {"id": acme.pk, "name": "Acme Corp"}
    again = api.post("/people", {"email": "jo@acme.com"})
    assert again.status_code == 200
    assert again.json()["id"] == r.json()["id"]
    assert Person.objects.count() == 1
    r = api.post("/people", {"email": "sam@gmail.com", "company_id": globex.pk})
    assert r.json()["company"]["id"] == globex.pk
    assert AuditEvent.objects.filter(action="person.created").count() == 2
    assert_error(api.post("/people", {"email": "nope"}), 400, field="email")
    assert_error(api.post("/people", {}), 400, field="email")
    assert_error(
        api.post("/people", {"email": "a@b.co", "company_id": 999}), 400, field="company_id"
    )
    assert Person.objects.count() == 2


def test_people_list_and_read(
    client: Client, viewer: User, contributor: User, acme: Company
) -> None:
    for i in range(5):
        Person.objects.create(
            email=f"p{i}@acme.com", name=f"P {i}", company=acme if i % 2 else None
        )
    api = Api.as_user(client, viewer, TokenScope.READ)
    body = api.get("/people", {"limit": 2}).json()
    assert [p["email"] for p in body["items"]] == ["p0@acme.com", "p1@acme.com"]
    assert body["next_cursor"]
    assert [p["email"] for p in api.get("/people", {"company": acme.pk}).json()["items"]] == [
        "p1@acme.com",
        "p3@acme.com",
    ]
    assert len(api.get("/people", {"q": "P 4"}).json()["items"]) == 1
    person = Person.objects.get(email="p1@acme.com")
    assert api.get(f"/people/{person.pk}").json()["company"]["name"] == "Acme Corp"
    assert_error(api.get("/people/999"), 404, "not_found")
    assert_error(api.get("/people", {"company": "acme"}), 400, field="company")
