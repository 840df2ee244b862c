"""The feedback form: contributors file a customer's ask with its why."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from harken.accounts.models import User
from harken.customers.models import Company
from harken.inbox.models import Note, Source

URL = "/feedback/new/"


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Export the board report as PDF",
        "wanted_to_do": "Send the board a monthly usage report",
        "actually_did": "Took screenshots of three dashboards",
        "why_not_great": "Two hours every month",
        "person_email": "jo@acme.com",
        "person_name": "Jo Park",
        "company": "",
        "customer_priority": "8",
        "links": "https://crm.example.com/deals/4711\n\nhttps://support.example.com/t/9",
        "why_interested": "",
        "problem": "",
        "workaround": "Screenshots",
        "impact": "",
        "body": "Jo said the board meets monthly.",
        "tags": "reporting, Enterprise",
        "source": Source.SALES_CALL,
    }
    data.update(overrides)
    return data


def test_anonymous_is_sent_to_sign_in(client: Client, db: None) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.post(URL, _form()).status_code == 302
    assert not Note.objects.exists()


def test_viewer_may_not_file(client: Client, viewer: User) -> None:
    client.force_login(viewer)
    assert client.get(URL).status_code == 403
    assert client.post(URL, _form()).status_code == 403
    assert not Note.objects.exists()


@pytest.mark.parametrize("persona", ["contributor", "maker", "admin"])
def test_staff_who_file_see_the_form(client: Client, persona: str, request: Any) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("wanted_to_do", "actually_did", "why_not_great", "customer_priority", "links"):
        assert f'name="{name}"' in html


def test_contributor_files_feedback_and_lands_on_the_note(
    client: Client, contributor: User, acme: Company
) -> None:
    client.force_login(contributor)
    response = client.post(URL, _form(confidential="on"))
    note = Note.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/notes/{note.pk}/"
    assert note.submitter == contributor
    assert note.company == acme  # resolved from the email's domain
    assert note.person is not None
    assert note.person.name == "Jo Park"
    assert note.source == Source.SALES_CALL
    assert note.customer_priority == 8
    assert note.links == ["https://crm.example.com/deals/4711", "https://support.example.com/t/9"]
    assert note.wanted_to_do == "Send the board a monthly usage report"
    assert note.workaround == "Screenshots"
    assert note.confidential
    assert sorted(t.name for t in note.tags.all()) == ["Enterprise", "reporting"]
    page = client.get(response["Location"])
    assert "is in the inbox" in page.content.decode()


def test_company_picked_from_the_list(client: Client, contributor: User, globex: Company) -> None:
    client.force_login(contributor)
    response = client.post(URL, _form(person_email="", person_name="", company=str(globex.pk)))
    assert response.status_code == 302
    assert Note.objects.get().company == globex


def test_prefilled_company_from_a_link(client: Client, contributor: User, globex: Company) -> None:
    client.force_login(contributor)
    html = client.get(f"{URL}?company={globex.pk}").content.decode()
    assert 'value="Globex"' in html


def test_feedback_for_a_customer_without_why_is_sent_back_with_what_was_typed(
    client: Client, contributor: User, acme: Company
) -> None:
    client.force_login(contributor)
    response = client.post(
        URL,
        _form(
            title="Wants SSO with Okta",
            wanted_to_do="",
            actually_did="",
            why_not_great="",
            workaround="",
            company=str(acme.pk),
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "needs their why" in html
    assert 'value="Wants SSO with Okta"' in html  # kept, not retyped
    assert "jo@acme.com" in html
    assert "Jo said the board meets monthly." in html
    assert not Note.objects.exists()


def test_note_not_about_a_customer_needs_no_why(client: Client, contributor: User) -> None:
    client.force_login(contributor)
    response = client.post(
        URL,
        _form(person_email="", wanted_to_do="", actually_did="", why_not_great="", workaround=""),
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"customer_priority": "0"}, "number from 1"),
        ({"customer_priority": "11"}, "number from 1"),
        ({"customer_priority": "very"}, "number from 1"),
        ({"links": "crm.example.com/deals/1"}, "is not a web address"),
        ({"links": "javascript:alert(1)"}, "is not a web address"),
        ({"person_email": "not-an-email"}, "valid email"),
        ({"company": "999999"}, "No company is named “999999”"),
        ({"company": "acme"}, "No company is named “acme”"),
        ({"title": ""}, "This field is required"),
        ({"title": "x" * 301}, "at most 300 characters"),
        ({"source": Source.GITHUB}, "Select a valid choice"),
    ],
)
def test_bad_input_is_a_400_with_a_message_and_nothing_stored(
    client: Client, contributor: User, overrides: dict[str, str], message: str
) -> None:
    client.force_login(contributor)
    response = client.post(URL, _form(**overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "nothing was saved" in html
    assert not Note.objects.exists()


def test_company_typed_by_its_name(client: Client, contributor: User, globex: Company) -> None:
    client.force_login(contributor)
    response = client.post(URL, _form(person_email="", person_name="", company="GLOBEX"))
    assert response.status_code == 302
    assert Note.objects.get().company == globex


def test_the_form_does_not_list_every_company(client: Client, contributor: User) -> None:
    Company.objects.bulk_create(Company(name=f"Co {i}", domain=f"co{i}.test") for i in range(30))
    client.force_login(contributor)
    html = client.get(URL).content.decode()
    assert "Co 17" not in html
