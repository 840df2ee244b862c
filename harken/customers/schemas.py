"""What the companies and people endpoints accept and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Schema

from harken.api.schemas import DOMAIN, MAX_ID, NOT_BLANK, Email, Id, Input, OptionalUrl, Paging, Ref
from harken.customers.models import Company, Deployment
from harken.customers.queries import COMPANY_SORTS

Segment = Annotated[str, Field(min_length=1, max_length=60)]


class CompanyIn(Input):
    """The fields to set; the ones left out keep their value. A new company needs a name."""

    not_null = frozenset(
        {
            "name",
            "arr",
            "plan",
            "deployment",
            "segments",
            "crm_url",
            "advisory_board",
            "custom_fields",
        }
    )

    name: str | None = Field(None, max_length=200, json_schema_extra=NOT_BLANK)
    arr: int | None = Field(None, ge=0, le=MAX_ID, description="Annual recurring revenue.")
    plan: str | None = Field(None, max_length=64)
    deployment: Deployment | None = None
    segments: list[Segment] | None = Field(None, max_length=50)
    account_owner_id: Id | None = None
    csm_id: Id | None = None
    crm_url: OptionalUrl | None = Field(None, max_length=500)
    advisory_board: bool | None = None
    custom_fields: dict[str, Any] | None = Field(None, max_length=100)


class CompanyCreate(CompanyIn):
    domain: str = Field(
        max_length=253, description="Its web domain, e.g. acme.com.", json_schema_extra=DOMAIN
    )


class CompanyFilters(Paging):
    q: str = Field("", max_length=200, description="Text in the name or any domain.")
    sort: str = Field("arr", max_length=20, description=f"One of: {', '.join(COMPANY_SORTS)}.")


class CompanyOut(Schema):
    id: int
    name: str
    domain: str | None
    domains: list[str] = Field(description="Every domain: the primary one first.")
    arr: int
    plan: str
    deployment: Deployment
    segments: list[Any]
    account_owner_id: int | None
    csm_id: int | None
    crm_url: str
    advisory_board: bool
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_domains(obj: Company) -> list[str]:
        extra = [d.domain for d in obj.extra_domains.all()]
        return [obj.domain, *extra] if obj.domain else extra


class CompanyPage(Schema):
    items: list[CompanyOut]
    next_cursor: str | None


class PersonIn(Input):
    email: Email
    name: str = Field("", max_length=200)
    company_id: Id | None = Field(None, description="Leave out to pick it from the email domain.")


class PersonFilters(Paging):
    q: str = Field("", max_length=200, description="Text in the email or name.")
    company: Id | None = None


class PersonOut(Schema):
    id: int
    email: str
    name: str
    company: Ref | None
    created_at: datetime


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None
