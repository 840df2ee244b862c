from __future__ import annotations

import pytest

from harken.accounts.models import User
from harken.audit.models import AuditEvent
from harken.customers.models import Company, CompanyDomain, Deployment
from harken.integrations.actions import do_create_import
from harken.integrations.csv.reader import CsvFileError
from harken.integrations.models import ImportJob
from harken.integrations.tests.helpers import errors_by_row, run_import

COMPANIES = (
    "Name,Domain,ARR,Plan,Deployment,Segments,CRM URL,Advisory board,Account owner,CSM\n"
    'Initech,https://www.initech.com/,"$1.2M",Enterprise,Self-managed,"EMEA, Fintech",'
    "https://crm.example/initech,yes,carl,mona@harken.test\n"
    "Hooli,hooli.xyz,85k,Business,SaaS,,,no,,\n"
)


def test_companies_are_created(contributor: User, maker: User) -> None:
    job = run_import(contributor, "companies", COMPANIES)
    assert (job.created_count, job.updated_count, job.rejected_count) == (2, 0, 0)
    initech = Company.objects.get(domain="initech.com")
    assert initech.name == "Initech"
    assert (initech.arr, initech.plan, initech.deployment) == (
        1_200_000,
        "Enterprise",
        Deployment.SELF_MANAGED,
    )
    assert initech.segments == ["EMEA", "Fintech"]
    assert (initech.crm_url, initech.advisory_board) == ("https://crm.example/initech", True)
    assert (initech.account_owner, initech.csm) == (contributor, maker)
    assert Company.objects.get(domain="hooli.xyz").arr == 85_000
    event = AuditEvent.objects.get(action="import.finished")
    assert (event.changes["created"], event.changes["kind"]) == (2, "companies")


def test_reimport_changes_nothing_and_updates_by_domain(
    contributor: User, maker: User, acme: Company
) -> None:
    CompanyDomain.objects.create(company=acme, domain="acme.de")
    first = run_import(contributor, "companies", COMPANIES)
    assert first.rejected_count == 0, first.errors
    again = run_import(contributor, "companies", COMPANIES)
    assert (again.created_count, again.updated_count, again.skipped_count) == (0, 0, 2)
    # Only the cells given change; empty cells keep what the company has.
    update = run_import(
        contributor, "companies", "domain,arr,plan\nacme.de,300000,\nhooli.xyz,,Team\n"
    )
    assert (update.created_count, update.updated_count) == (0, 2)
    acme.refresh_from_db()
    assert (acme.arr, acme.plan, acme.name) == (300_000, "Enterprise", "Acme Corp")
    hooli = Company.objects.get(domain="hooli.xyz")
    assert (hooli.plan, hooli.arr) == ("Team", 85_000)
    assert Company.objects.count() == 3


def test_bad_company_rows_are_reported(contributor: User, acme: Company) -> None:
    data = (
        "name,domain,arr,deployment,crm_url,advisory_board,csm\n"
        "No Domain,,1,,,,\n"
        "Bad,bad domain,lots,cloudy,crm,maybe,nobody\n"
        ",newcompany.com,5,,,,\n"
        "Acme renamed,acme.com,,,,,\n"
        "Twice,acme.com,,,,,\n"
        "Good,good.com,1000,cloud,,,\n"
    )
    job = run_import(contributor, "companies", data)
    assert errors_by_row(job) == {
        2: {"domain"},
        3: {"domain", "arr", "deployment", "crm_url", "advisory_board", "csm"},
        4: {"name"},
        6: {"domain"},
    }
    assert (job.created_count, job.updated_count, job.rejected_count) == (1, 1, 4)
    assert Company.objects.get(domain="good.com").deployment == Deployment.SAAS
    assert Company.objects.get(domain="acme.com").name == "Acme renamed"
    assert not Company.objects.filter(domain="newcompany.com").exists()
    messages = {e["row"]: e["message"] for e in job.errors if e["column"] == "domain"}
    assert messages[6] == "acme.com is already on row 5"


def test_notes_file_as_companies_is_refused(contributor: User) -> None:
    with pytest.raises(CsvFileError) as err:
        do_create_import(contributor, "companies", "f.csv", b"title,body\nx,y\n")
    assert "Unknown columns: title, body" in err.value.message
    assert ImportJob.objects.count() == 0
