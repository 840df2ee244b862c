"""Types every resource's schemas share: ids, web addresses, the error body, page wrappers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator, validate_email
from ninja import Field, Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo, field_validator

# Ids are bounded so a huge number is a 400, not an overflow inside the database driver.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Limit = Annotated[int, Field(ge=1, le=100, description="Items per page, 1-100.")]

_url = URLValidator(schemes=["http", "https"])


def _check_url(value: str) -> str:
    try:
        _url(value)
    except DjangoValidationError:
        raise ValueError(f"{value!r} is not a web address (http:// or https://)") from None
    return value


def _check_optional_url(value: str) -> str:
    return _check_url(value) if value else value


def _check_email(value: str) -> str:
    try:
        validate_email(value)
    except DjangoValidationError:
        raise ValueError(f"{value!r} is not an email address") from None
    return value.strip().lower()


WebUrl = Annotated[str, Field(max_length=1000), AfterValidator(_check_url)]
# A web address, or "" for none.
OptionalUrl = Annotated[str, Field(max_length=1000), AfterValidator(_check_optional_url)]
Email = Annotated[str, Field(max_length=254), AfterValidator(_check_email)]


def _clean(value: Any) -> Any:
    """Refuse text a database cannot store, and datetimes that overflow when made UTC."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode()
        except UnicodeEncodeError:
            # JSON can spell a lone UTF-16 surrogate ("\ud800"); no database can store one.
            raise ValueError("is not valid Unicode text") from None
    if isinstance(value, list | tuple):
        for item in value:
            _clean(item)
    if isinstance(value, dict):
        for key, item in value.items():
            _clean(key)
            _clean(item)
    if isinstance(value, datetime) and value.tzinfo is not None:
        try:
            value.astimezone(UTC)
        except OverflowError:
            raise ValueError("is out of range") from None
    return value


class Input(BaseModel):
    """Base of every request body: unknown fields are refused, so a typo is not silently lost."""

    model_config = ConfigDict(extra="forbid")
    # Fields of a partial update that may be left out but not sent as null (a feature always
    # has a title): their type says None only because None stands for "not sent".
    not_null: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_meant(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name in cls.not_null:
            raise ValueError("must not be null: leave the field out to keep its value")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _no_unstorable(cls, value: Any) -> Any:
        return _clean(value)


class Filters(Schema):
    """Base of query-string filter sets."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_unstorable(cls, value: Any) -> Any:
        return _clean(value)


class Paging(Filters):
    cursor: str | None = Field(
        None, max_length=200, description="next_cursor of the previous page; none for the first."
    )
    limit: Limit = 50


class ErrorDetail(Schema):
    field: str | None
    code: str
    message: str


class ErrorBody(Schema):
    code: str
    message: str
    field: str | None = None
    details: list[ErrorDetail] = []


class ErrorOut(Schema):
    """The one shape of every 4xx answer."""

    error: ErrorBody


class Ref(Schema):
    id: int
    name: str
