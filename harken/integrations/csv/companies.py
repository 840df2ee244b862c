"""Import companies from CSV: upsert by domain, in bulk.

An empty cell leaves the company's value as it is (a new company gets the default), so a
file with a few columns updates just those; importing the same file again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from harken.accounts.models import Role, User
from harken.customers.bulk import company_ids_for_domains
from harken.customers.domains import normalize_domain
from harken.customers.models import Company, Deployment
from harken.integrations.csv import values
from harken.integrations.csv.reader import ColumnSpec, Table, cells_by_column
from harken.integrations.csv.report import Progress, Report, no_progress
from harken.lib.errors import ActionError

BATCH = 500

COMPANY_COLUMNS = ColumnSpec(
    accepted=(
        "name",
        "domain",
        "arr",
        "plan",
        "deployment",
        "segments",
        "crm_url",
        "advisory_board",
        "account_owner",
        "csm",
    ),
    required=("domain",),
    aliases={
        "company": "name",
        "company_name": "name",
        "company_domain": "domain",
        "website": "domain",
        "tier": "plan",
        "owner": "account_owner",
        "segment": "segments",
    },
)

DEPLOYMENTS = {
    "saas": Deployment.SAAS,
    "cloud": Deployment.SAAS,
    "self_managed": Deployment.SELF_MANAGED,
    "self_hosted": Deployment.SELF_MANAGED,
    "on_prem": Deployment.SELF_MANAGED,
    "on_premise": Deployment.SELF_MANAGED,
    "on_premises": Deployment.SELF_MANAGED,
}


@dataclass(slots=True)
class CompanyRow:
    number: int
    domain: str
    fields: dict[str, Any]


class CompanyImport:
    def __init__(self, table: Table, actor: User | None, progress: Progress = no_progress):
        self.table = table
        self.actor = actor
        self.progress = progress
        self.columns = COMPANY_COLUMNS.map_header(table)
        self.report = Report(notices=list(table.notices))
        self.changed_ids: list[int] = []
        self._teammates: dict[str, int] | None = None

    def teammate(self, value: str) -> int:
        """A staff user named by username or email, for account_owner and csm."""
        if self._teammates is None:
            self._teammates = {}
            staff = User.objects.filter(is_active=True).filter(
                Q(role=Role.CONTRIBUTOR) | Q(role=Role.MAKER) | Q(role=Role.ADMIN)
            )
            for pk, username, email in staff.values_list("pk", "username", "email"):
                self._teammates[username.lower()] = pk
                if email:
                    self._teammates.setdefault(email.lower(), pk)
        found = self._teammates.get(value.lower())
        if found is None:
            raise values.CellError(f"no teammate has the username or email {value!r}")
        return found

    def parse(
        self, number: int, cells: dict[str | None, str]
    ) -> CompanyRow | list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        fields: dict[str, Any] = {}
        domain = ""
        try:
            domain = normalize_domain(cells.get("domain", ""))
        except ActionError as exc:
            problems.append(
                ("domain", exc.message if cells.get("domain") else "is empty; it is required")
            )
        parsers: dict[str, tuple[Any, ...]] = {
            "name": (values.text, 200),
            "arr": (values.money,),
            "plan": (values.text, 64),
            "deployment": (values.choice, DEPLOYMENTS, "deployment"),
            "segments": (values.tag_list,),
            "crm_url": (values.url, 500),
            "advisory_board": (values.boolean,),
            "account_owner": (self.teammate,),
            "csm": (self.teammate,),
        }
        for column, (parse, *args) in parsers.items():
            raw = cells.get(column, "")
            if not raw:
                continue
            try:
                fields[column] = parse(raw, *args)
            except values.CellError as exc:
                problems.append((column, str(exc)))
        if problems:
            return problems
        for key in ("account_owner", "csm"):
            if key in fields:
                fields[f"{key}_id"] = fields.pop(key)
        return CompanyRow(number=number, domain=domain, fields=fields)

    def run(self, total: int | None = None) -> Report:
        report = self.report
        report.total = self.table.count() if total is None else total
        first_row: dict[str, int] = {}
        batch: list[CompanyRow] = []
        for number, raw in self.table.records():
            report.processed += 1
            cells, too_many = cells_by_column(self.columns, raw)
            if too_many:
                report.reject(number, [("", too_many)])
                continue
            parsed = self.parse(number, cells)
            if isinstance(parsed, list):
                report.reject(number, parsed)
                continue
            if parsed.domain in first_row:
                report.reject(
                    number,
                    [("domain", f"{parsed.domain} is already on row {first_row[parsed.domain]}")],
                )
                continue
            first_row[parsed.domain] = number
            batch.append(parsed)
            if len(batch) >= BATCH:
                self.flush(batch)
                batch = []
        self.flush(batch)
        return report

    def flush(self, batch: list[CompanyRow]) -> None:
        report = self.report
        for attempt in (1, 2):
            if not batch:
                break
            saved = (report.created, report.updated, report.skipped, report.rejected)
            errors, changed = len(report.errors), len(self.changed_ids)
            try:
                with transaction.atomic():
                    self.write(batch)
                break
            except Exception as exc:
                report.created, report.updated, report.skipped, report.rejected = saved
                del report.errors[errors:]
                del self.changed_ids[changed:]
                # IntegrityError: a company with one of these domains was created meanwhile.
                if attempt == 2 or not isinstance(exc, IntegrityError):
                    raise
        self.progress(report)

    def write(self, batch: list[CompanyRow]) -> None:
        report = self.report
        ids = company_ids_for_domains(row.domain for row in batch)
        existing = Company.objects.in_bulk(list(set(ids.values())))
        now = timezone.now()
        new: list[Company] = []
        changed: dict[int, Company] = {}
        touched: set[str] = set()
        for row in batch:
            company = existing.get(ids.get(row.domain, 0))
            if company is None:
                if not row.fields.get("name"):
                    report.reject(row.number, [("name", "is empty; a new company needs a name")])
                    continue
                new.append(Company(domain=row.domain, **row.fields))
                continue
            diff = {k: v for k, v in row.fields.items() if getattr(company, k) != v}
            if not diff:
                report.skipped += 1
                continue
            for key, value in diff.items():
                setattr(company, key, value)
            company.updated_at = now
            touched.update(diff)
            changed[company.pk] = company
        if new:
            created = Company.objects.bulk_create(new)
            self.changed_ids.extend(c.pk for c in created if c.pk is not None)
            report.created += len(new)
        if changed:
            Company.objects.bulk_update(list(changed.values()), [*sorted(touched), "updated_at"])
            self.changed_ids.extend(changed)
            report.updated += len(changed)
