from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from harken.accounts.access import require_role
from harken.accounts.models import Role, User
from harken.audit.actions import audit, diff, snapshot
from harken.customers.domains import normalize_domain, normalize_email
from harken.customers.models import Company, CompanyDomain, Deployment, Person
from harken.lib.compiled import Compiled
from harken.lib.errors import ActionError

# Addresses at these providers say nothing about the employer, so they never pick a company.
FREEMAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "fastmail.com",
        "hey.com",
        "zoho.com",
    ]
)
COMPANY_FIELDS = (
    "name",
    "arr",
    "plan",
    "deployment",
    "segments",
    "account_owner",
    "csm",
    "crm_url",
    "advisory_board",
    "custom_fields",
)


def company_for_domain(domain: str) -> Company | None:
    if domain in FREEMAIL:
        return None
    # Two indexed lookups: an OR across the join could use neither unique index. Both
    # columns are unique: get() spares first()'s sort.
    try:
        return Company.objects.get(domain=domain)
    except Company.DoesNotExist:
        pass
    try:
        return CompanyDomain.objects.select_related("company").get(domain=domain).company
    except CompanyDomain.DoesNotExist:
        return None


def _check_company_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(COMPANY_FIELDS)
    if unknown:
        raise ActionError(f"Unknown company field: {', '.join(sorted(unknown))}.")
    if "name" in fields and not str(fields["name"]).strip():
        raise ActionError("A company needs a name.", field="name")
    if "arr" in fields and (not isinstance(fields["arr"], int) or fields["arr"] < 0):
        raise ActionError("ARR must be a whole number, 0 or more.", field="arr")
    if "deployment" in fields and fields["deployment"] not in Deployment.values:
        raise ActionError(
            f"Deployment must be one of: {', '.join(Deployment.values)}.", field="deployment"
        )


def do_upsert_company(
    actor: User | None, domain: str, fields: dict[str, Any]
) -> tuple[Company, bool]:
    """Create the company with this domain, or update the one that has it."""
    if actor is not None:
        require_role(actor, Role.CONTRIBUTOR, "create or change companies")
    domain = normalize_domain(domain)
    _check_company_fields(fields)
    with transaction.atomic():
        company = Company.objects.select_for_update().filter(
            domain=domain
        ).first() or company_for_domain(domain)
        if company is None:
            if not fields.get("name"):
                raise ActionError("A new company needs a name.", field="name")
            try:
                with transaction.atomic():
                    company = Company.objects.create(domain=domain, **fields)
            except IntegrityError:
                raise ActionError(f"Another company already has the domain {domain}.") from None
            audit(actor, "company.created", company, {"domain": domain, **fields})
            return company, True
        return do_update_company(actor, company, fields), False


def do_update_company(actor: User | None, company: Company, fields: dict[str, Any]) -> Company:
    """Change a company's fields; the audit log keeps the old and new values."""
    if actor is not None:
        require_role(actor, Role.CONTRIBUTOR, "change companies")
    _check_company_fields(fields)
    with transaction.atomic():
        before = snapshot(company, fields)
        for name, value in fields.items():
            setattr(company, name, value)
        changes = diff(before, snapshot(company, fields))
        if changes:
            company.save()
            audit(actor, "company.updated", company, changes)
    return company


def do_add_company_domain(actor: User, company: Company, domain: str) -> CompanyDomain:
    require_role(actor, Role.CONTRIBUTOR, "change companies")
    domain = normalize_domain(domain)
    if company_for_domain(domain) is not None:
        raise ActionError(f"Another company already has the domain {domain}.", field="domain")
    with transaction.atomic():
        extra = CompanyDomain.objects.create(company=company, domain=domain)
        audit(actor, "company.domain_added", company, {"domain": domain})
    return extra


# Every note filed with an email looks its person up: compiled once (harken.lib.compiled).
_PERSON_BY_EMAIL = Compiled(
    lambda email: Person.objects.select_related("company").filter(email=email).order_by()
)


def do_upsert_person(
    actor: User | None, email: str, name: str = "", company: Company | None = None
) -> tuple[Person, bool]:
    """The person with this email, created if new; a company is found from the email domain."""
    email = normalize_email(email)
    person = _PERSON_BY_EMAIL.get(email)
    if person is not None:
        changed: dict[str, object] = {}
        if name and not person.name:
            changed["name"] = name
        if company is not None and person.company_id is None:
            changed["company"] = company
        if changed:
            for key, value in changed.items():
                setattr(person, key, value)
            person.save(update_fields=list(changed))
            audit(actor, "person.updated", person, changed)
        return person, False
    if company is None:
        company = company_for_domain(email.rsplit("@", 1)[1])
    try:
        with transaction.atomic():
            person = Person.objects.create(email=email, name=name[:200], company=company)
    except IntegrityError:
        # Another request created the same person between our read and write.
        return Person.objects.select_related("company").get(email=email), False
    audit(actor, "person.created", person, {"email": email})
    return person, True


def check_upsert_person(
    actor: User, email: str, name: str = "", company: Company | None = None
) -> tuple[Person, bool]:
    """A teammate adds a person (or finds the one with this email); viewers only read."""
    require_role(actor, Role.CONTRIBUTOR, "add people")
    return do_upsert_person(actor, email, name, company)
