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


# The OpenAPI document says what the validators accept, for its readers and for the clients
# and test generators made from it; in json_schema_extra, so that only the validators (and
# their messages) judge a request.
WebUrl = Annotated[
    str,
    Field(max_length=1000, json_schema_extra={"format": "uri", "pattern": "^https?://"}),
    AfterValidator(_check_url),
]
# A web address, or "" for none.
OptionalUrl = Annotated[
    str,
    Field(max_length=1000, json_schema_extra={"pattern": "^(https?://.*)?$"}),
    AfterValidator(_check_optional_url),
]
Email = Annotated[
    str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_check_email)
]
# Text with more than spaces (a title or name): the actions refuse a blank one.
NOT_BLANK: dict[str, Any] = {"pattern": r"\S"}
# A domain (acme.com), or a web address whose domain is taken (https://www.acme.com/pricing).
DOMAIN: dict[str, Any] = {
    "pattern": r"^\s*(https?://)?([A-Za-z0-9-]+\.)+[A-Za-z]{2,63}(/.*)?\s*$",
    "examples": ["acme.com"],
}


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


def _document_not_null(schema: dict[str, Any], model: type[Any]) -> None:
    """In the OpenAPI document, a field of `not_null` may be left out but is not nullable."""
    properties = schema.get("properties", {})
    for name in getattr(model, "not_null", ()):
        prop = properties.get(name)
        if prop is None or "anyOf" not in prop:
            continue
        kept = [alt for alt in prop.pop("anyOf") if alt != {"type": "null"}]
        if len(kept) == 1:
            prop.update(kept[0])
        else:
            prop["anyOf"] = kept
        if prop.get("default", ...) is None:
            del prop["default"]


class Input(BaseModel):
    """Base of every request body: unknown fields are refused, so a typo is not silently lost."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_document_not_null)
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
