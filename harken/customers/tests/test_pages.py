"""Company pages through HTTP as each persona: the list, a company, creating and editing."""

from __future__ import annotations

import pytest
from django.test import Client

from harken.accounts.models import User
from harken.accounts.tests.pages import linked_note, query_count
from harken.audit.models import AuditEvent
from harken.customers.models import Company, CompanyDomain
from harken.features.actions import default_status
from harken.features.models import Feature
from harken.inbox.actions import IncomingNote, do_link_note, ingest_note
from harken.inbox.models import Importance, Source

ROLES = ["viewer", "contributor", "maker", "admin"]


# The list


@pytest.mark.parametrize("url", ["/companies/", "/companies/new/"])
def test_company_pages_send_anonymous_visitors_to_sign_in(
    client: Client, acme: Company, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get(f"/companies/{acme.pk}/").status_code == 302


@pytest.mark.parametrize("persona", ROLES)
def test_every_staff_role_lists_companies(
    client: Client, request: pytest.FixtureRequest, persona: str, acme: Company, globex: Company
) -> None:
    user: User = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get("/companies/")
    assert response.status_code == 200
    assert [c.name for c in response.context["companies"]] == ["Acme Corp", "Globex"]
    html = response.content.decode()
    assert "250,000" in html
    assert f'href="/companies/{acme.pk}/"' in html
    assert ("New company" in html) == user.can_file_notes


def test_company_search_by_name_and_any_domain(
    client: Client, viewer: User, acme: Company, globex: Company
) -> None:
    CompanyDomain.objects.create(company=globex, domain="globex-corp.io")
    client.force_login(viewer)

    def names(query: str) -> list[str]:
        return [c.name for c in client.get("/companies/?" + query).context["companies"]]

    assert names("q=acme") == ["Acme Corp"]
    assert names("q=GLOBEX.COM") == ["Globex"]
    assert names("q=corp.io") == ["Globex"]
    assert names("q=nobody") == []
    assert names("sort=name") == ["Acme Corp", "Globex"]
    Company.objects.create(name="aardvark", domain="aardvark.io", arr=1)
    assert names("sort=name") == ["aardvark", "Acme Corp", "Globex"]
    assert names("sort=arr")[-1] == "aardvark"


def test_company_list_bad_sort_is_400(client: Client, viewer: User) -> None:
    client.force_login(viewer)
    response = client.get("/companies/?sort=size")
    assert response.status_code == 400
    assert "Sort must be one of" in response.content.decode()


def test_company_list_query_count_does_not_grow_with_rows(
    client: Client, viewer: User, maker: User
) -> None:
    def add(start: int, count: int) -> None:
        for i in range(start, start + count):
            company = Company.objects.create(
                name=f"Company {i}", domain=f"c{i}.example", account_owner=maker, csm=viewer
            )
            CompanyDomain.objects.create(company=company, domain=f"c{i}.example.org")

    client.force_login(viewer)
    add(0, 3)
    few = query_count(client, "/companies/")
    add(3, 27)
    many = query_count(client, "/companies/")
    assert few == many
    assert many <= 7


def test_company_list_pages(client: Client, viewer: User) -> None:
    Company.objects.bulk_create(
        Company(name=f"Company {i:02}", domain=f"c{i}.example") for i in range(55)
    )
    client.force_login(viewer)
    assert len(client.get("/companies/").context["companies"]) == 50
    assert len(client.get("/companies/?page=2").context["companies"]) == 5


# A company


@pytest.mark.parametrize("persona", ROLES)
def test_company_page_shows_who_they_are_and_what_they_asked_for(
    client: Client,
    request: pytest.FixtureRequest,
    persona: str,
    maker: User,
    contributor: User,
    acme: Company,
    feature: Feature,
) -> None:
    acme.account_owner, acme.csm = contributor, maker
    acme.crm_url, acme.segments, acme.advisory_board = "https://crm.example/acme", ["EMEA"], True
    acme.save()
    CompanyDomain.objects.create(company=acme, domain="acme.io")
    note, _ = linked_note(contributor, maker, feature, acme, importance=Importance.CRITICAL)
    linked_note(contributor, maker, feature, acme, "Also wants PDF")
    user: User = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(f"/companies/{acme.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    for fact in ["250,000", "Enterprise", "SaaS", "carl", "mona", "acme.io", "EMEA"]:
        assert fact.lower() in html.lower()
    assert 'href="https://crm.example/acme"' in html
    [ask] = response.context["asks"].asks
    assert (ask.feature.pk, ask.notes, ask.importance) == (feature.pk, 2, Importance.CRITICAL)
    assert (ask.feature.title, ask.feature.status.name) == (feature.title, feature.status.name)
    assert f'href="/features/{feature.pk}/"' in html
    assert f'href="/notes/{note.pk}/"' in html
    assert ("Add a domain" in html) == user.can_file_notes


def test_company_page_hides_confidential_notes_from_a_viewer(
    client: Client, viewer: User, maker: User, contributor: User, acme: Company, feature: Feature
) -> None:
    secret, _ = linked_note(
        contributor, maker, feature, acme, "Secret deal needs PDF", confidential=True
    )
    client.force_login(viewer)
    response = client.get(f"/companies/{acme.pk}/")
    html = response.content.decode()
    assert "Secret deal needs PDF" not in html
    assert f"/notes/{secret.pk}/" not in html
    assert response.context["asks"].asks == []  # the only ask came from the confidential note
    client.force_login(maker)
    response = client.get(f"/companies/{acme.pk}/")
    assert "Secret deal needs PDF" in response.content.decode()
    assert len(response.context["asks"].asks) == 1


def test_unknown_company_is_404(client: Client, viewer: User) -> None:
    client.force_login(viewer)
    assert client.get("/companies/999999/").status_code == 404


def test_company_page_query_count_does_not_grow_with_asks(
    client: Client, maker: User, contributor: User, acme: Company
) -> None:
    status = default_status()

    def add(start: int, count: int) -> None:
        for i in range(start, start + count):
            feature = Feature.objects.create(title=f"Feature {i}", status=status)
            linked_note(contributor, maker, feature, acme, f"Ask {i}")

    client.force_login(maker)
    add(0, 3)
    few = query_count(client, f"/companies/{acme.pk}/")
    add(3, 27)
    many = query_count(client, f"/companies/{acme.pk}/")
    assert few == many
    assert many <= 9


def test_company_notes_are_paged(
    client: Client, maker: User, contributor: User, acme: Company, feature: Feature
) -> None:
    for i in range(25):
        linked_note(contributor, maker, feature, acme, f"Ask {i}")
    client.force_login(maker)
    first = client.get(f"/companies/{acme.pk}/")
    assert len(first.context["notes"]) == 20
    second = client.get(f"/companies/{acme.pk}/?cursor={first.context['next_cursor']}")
    assert len(second.context["notes"]) == 5
    assert client.get(f"/companies/{acme.pk}/?cursor=%%%").status_code == 400


# Creating and editing


def company_data(**extra: str) -> dict[str, str]:
    data = {
        "name": "Initech",
        "domain": "https://www.Initech.com/",
        "arr": "120000",
        "plan": "Business",
        "deployment": "self_managed",
        "segments": "EMEA, fintech, emea",
        "account_owner": "",
        "csm": "",
        "crm_url": "https://crm.example/initech",
        "advisory_board": "on",
    }
    data.update(extra)
    return data


def test_contributor_creates_a_company(client: Client, contributor: User) -> None:
    client.force_login(contributor)
    assert client.get("/companies/new/").status_code == 200
    response = client.post("/companies/new/", company_data(csm=str(contributor.pk)))
    company = Company.objects.get(name="Initech")
    assert response.status_code == 302
    assert response["Location"] == f"/companies/{company.pk}/"
    assert company.domain == "initech.com"
    assert company.arr == 120_000
    assert company.segments == ["EMEA", "fintech"]
    assert company.advisory_board
    assert company.csm == contributor
    assert AuditEvent.objects.filter(
        action="company.created", object_id=str(company.pk), actor=contributor
    ).exists()


def test_viewer_cannot_create_or_edit_companies(
    client: Client, viewer: User, acme: Company
) -> None:
    client.force_login(viewer)
    assert client.get("/companies/new/").status_code == 403
    assert client.post("/companies/new/", company_data()).status_code == 403
    assert client.get(f"/companies/{acme.pk}/edit/").status_code == 403
    response = client.post(f"/companies/{acme.pk}/edit/", company_data(name="Hacked"))
    assert response.status_code == 403
    response = client.post(f"/companies/{acme.pk}/domains/", {"domain": "acme.io"})
    assert response.status_code == 403
    acme.refresh_from_db()
    assert acme.name == "Acme Corp"
    assert not Company.objects.filter(name="Initech").exists()
    assert not CompanyDomain.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="company.").exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"domain": "not a domain"}, "is not a domain name"),
        ({"domain": "ACME.com"}, "Acme Corp already has the domain acme.com"),
        ({"arr": "-5"}, "greater than or equal to 0"),
        ({"arr": "lots"}, "Enter a whole number"),
        ({"deployment": "cloud"}, "Select a valid choice"),
        ({"crm_url": "crm"}, "Enter a valid URL"),
        ({"csm": "424242"}, "does not exist"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_bad_new_company_is_400_with_a_message(
    client: Client, contributor: User, acme: Company, change: dict[str, str], message: str
) -> None:
    client.force_login(contributor)
    response = client.post("/companies/new/", company_data(**change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Company.objects.count() == 1
    acme.refresh_from_db()
    assert acme.arr == 250_000


def test_contributor_edits_a_company(client: Client, contributor: User, acme: Company) -> None:
    client.force_login(contributor)
    page = client.get(f"/companies/{acme.pk}/edit/")
    assert page.status_code == 200
    assert 'value="Acme Corp"' in page.content.decode()
    response = client.post(
        f"/companies/{acme.pk}/edit/", company_data(name="Acme Inc", arr="300000")
    )
    assert response.status_code == 302
    acme.refresh_from_db()
    assert (acme.name, acme.arr, acme.domain) == ("Acme Inc", 300_000, "acme.com")
    event = AuditEvent.objects.get(action="company.updated", object_id=str(acme.pk))
    assert event.changes["arr"] == [250_000, 300_000]


def test_bad_company_edit_is_400_and_changes_nothing(
    client: Client, contributor: User, acme: Company
) -> None:
    client.force_login(contributor)
    response = client.post(f"/companies/{acme.pk}/edit/", company_data(arr="-1"))
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    acme.refresh_from_db()
    assert acme.arr == 250_000


def test_company_without_domain_can_be_edited(client: Client, contributor: User) -> None:
    company = Company.objects.create(name="Nameless")
    client.force_login(contributor)
    assert client.get(f"/companies/{company.pk}/edit/").status_code == 200
    response = client.post(f"/companies/{company.pk}/edit/", company_data(name="Named", arr="7"))
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.name, company.arr, company.domain) == ("Named", 7, None)
    assert AuditEvent.objects.filter(action="company.updated", object_id=str(company.pk)).exists()


def test_contributor_adds_a_domain(
    client: Client, contributor: User, acme: Company, globex: Company
) -> None:
    client.force_login(contributor)
    response = client.post(f"/companies/{acme.pk}/domains/", {"domain": "acme.io"})
    assert response.status_code == 302
    assert CompanyDomain.objects.get().company == acme
    assert AuditEvent.objects.filter(action="company.domain_added").exists()
    response = client.post(f"/companies/{acme.pk}/domains/", {"domain": "globex.com"})
    assert response.status_code == 400
    assert "Another company already has the domain globex.com" in response.content.decode()
    assert CompanyDomain.objects.count() == 1


def test_what_a_company_asked_for_is_paged(client: Client, maker: User, acme: Company) -> None:
    note, _ = ingest_note(
        maker, IncomingNote(title="Many asks", source=Source.EMAIL, company_id=acme.pk)
    )
    status = default_status()
    for i in range(55):
        feature = Feature.objects.create(title=f"Feature {i:02d}", status=status)
        importance = Importance.CRITICAL if i == 54 else Importance.NICE_TO_HAVE
        do_link_note(maker, note, feature, importance)
    client.force_login(maker)
    first = client.get(f"/companies/{acme.pk}/")
    asks = first.context["asks"]
    assert (asks.total, len(asks.asks), asks.has_next) == (55, 50, True)
    assert asks.asks[0].feature.title == "Feature 54"  # the critical ask leads
    second = client.get(f"/companies/{acme.pk}/", {"asks": 2})
    assert [a.feature.title for a in second.context["asks"].asks][-1] == "Feature 53"
    assert len(second.context["asks"].asks) == 5
    past = client.get(f"/companies/{acme.pk}/", {"asks": 3}).context["asks"]
    assert (past.total, past.asks, past.has_next) == (55, [], False)
    assert client.get(f"/companies/{acme.pk}/", {"asks": "x"}).status_code == 400


def test_asks_rank_by_top_importance_then_by_notes(
    client: Client, maker: User, acme: Company
) -> None:
    status = default_status()
    features = {
        name: Feature.objects.create(title=name, status=status)
        for name in ("Twice nice", "Once nice", "Once important", "Important and nice")
    }
    links = [
        ("Twice nice", Importance.NICE_TO_HAVE),
        ("Twice nice", Importance.NICE_TO_HAVE),
        ("Once nice", Importance.NICE_TO_HAVE),
        ("Once important", Importance.IMPORTANT),
        ("Important and nice", Importance.NICE_TO_HAVE),
        ("Important and nice", Importance.IMPORTANT),
    ]
    for i, (name, importance) in enumerate(links):
        note, _ = ingest_note(
            maker, IncomingNote(title=f"Ask {i}", source=Source.EMAIL, company_id=acme.pk)
        )
        do_link_note(maker, note, features[name], importance)
    client.force_login(maker)
    asks = client.get(f"/companies/{acme.pk}/").context["asks"].asks
    assert [(a.feature.title, a.importance, a.notes) for a in asks] == [
        ("Important and nice", Importance.IMPORTANT, 2),
        ("Once important", Importance.IMPORTANT, 1),
        ("Twice nice", Importance.NICE_TO_HAVE, 2),
        ("Once nice", Importance.NICE_TO_HAVE, 1),
    ]
