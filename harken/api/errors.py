"""One JSON error shape for every 4xx the API gives, whatever raised it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from harken.lib.errors import ActionError

if TYPE_CHECKING:
    from ninja import NinjaAPI

# Where a value came from, as Ninja names it in an error location; not part of the field name.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


class Unauthorized(ActionError):
    status = 401

    def __init__(self, message: str) -> None:
        super().__init__(message, code="unauthorized")


class ReadOnlyToken(ActionError):
    status = 403

    def __init__(self) -> None:
        super().__init__(
            "This token can only read: create a token with write scope to change data.",
            code="read_only_token",
        )


class UnsupportedMediaType(ActionError):
    status = 415

    def __init__(self, content_type: str) -> None:
        super().__init__(
            f"Send the body as JSON with 'Content-Type: application/json', not {content_type!r}.",
            code="unsupported_media_type",
        )


class MalformedJson(ActionError):
    def __init__(self, reason: str) -> None:
        super().__init__(f"The body is not valid JSON: {reason}.", code="malformed_json")


class PayloadTooLarge(ActionError):
    status = 413

    def __init__(self) -> None:
        super().__init__(
            f"The body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.",
            code="too_large",
        )


class MethodNotAllowed(ActionError):
    status = 405

    def __init__(self, method: str) -> None:
        super().__init__(f"{method} is not allowed here.", code="method_not_allowed")


class UnknownEndpoint(ActionError):
    status = 404

    def __init__(self, path: str) -> None:
        super().__init__(f"There is no endpoint at {path}: see /api/v1/docs.", code="not_found")


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON, and PostgreSQL's jsonb refuses them.
    raise ValueError(f"{name} is not a JSON value")


class JsonParser(Parser):
    """Ninja's parser, with a clear answer for a wrong content type or broken JSON."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type != "application/json":
            raise UnsupportedMediaType(request.content_type or "none")
        try:
            data: dict[str, Any] = json.loads(request.body, parse_constant=_no_constant)
        except UnicodeDecodeError:
            raise MalformedJson("it is not UTF-8") from None
        except json.JSONDecodeError as exc:
            raise MalformedJson(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
        except (ValueError, RecursionError) as exc:
            raise MalformedJson(str(exc)) from None
        return data


def error_body(
    code: str,
    message: str,
    field: str | None = None,
    details: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The one error shape; `details` lists every problem, so it is never empty."""
    if not details:
        details = [{"field": field, "code": code, "message": message}]
    return {"error": {"code": code, "message": message, "field": field, "details": details}}


def error_response(error: ActionError) -> HttpResponse:
    """An ActionError as the API's JSON error, outside Ninja (405 and unknown paths)."""
    body = error_body(error.code, error.message, error.field)
    return HttpResponse(json.dumps(body), status=error.status, content_type="application/json")


def _field_of(loc: tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        # A body schema is one parameter; its name is not what the client sent.
        if source == "body" and parts:
            parts.pop(0)
    return ".".join(parts) or None


def _validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    details = []
    for err in errors:
        field = _field_of(tuple(err.get("loc", ())))
        message = str(err.get("msg", "is not valid")).removeprefix("Value error, ")
        if field is None and tuple(err.get("loc", ()))[:1] == ("body",):
            message = "Send a JSON object in the request body."
        details.append(
            {"field": field, "code": str(err.get("type", "invalid")), "message": message}
        )
    return details


def validation_error_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    """Pydantic's errors in the one shape: the first named in the message, all in details."""
    details = _validation_details(errors)
    first = details[0] if details else {"field": None, "message": "is not valid"}
    name = first["field"]
    message = f"{name}: {first['message']}" if name else str(first["message"])
    if len(details) > 1:
        message += f" (and {len(details) - 1} more problem{'s' * (len(details) > 2)})"
    return error_body("invalid", message, name, details)


def install(api: NinjaAPI) -> None:
    """Register the handlers that give every error the one shape."""

    def on_action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
        response = api.create_response(
            request, error_body(exc.code, exc.message, exc.field), status=exc.status
        )
        if exc.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="harken"'
        return response

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, validation_error_body(exc.errors), status=400)

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # Ninja wraps whatever the parser raised; ours already says what to fix.
        if isinstance(exc.__cause__, ActionError):
            return on_action_error(request, exc.__cause__)
        if isinstance(exc, AuthenticationError):
            return on_action_error(
                request,
                Unauthorized("Send an API token: 'Authorization: Bearer <token>'."),
            )
        code = {400: "invalid", 403: "forbidden", 404: "not_found", 429: "throttled"}
        return api.create_response(
            request,
            error_body(code.get(exc.status_code, "error"), str(exc)),
            status=exc.status_code,
        )

    def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return on_action_error(request, UnknownEndpoint(request.path))

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return on_action_error(request, PayloadTooLarge())

    handlers: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
        (ActionError, on_action_error),
        (ValidationError, on_validation),
        (HttpError, on_http_error),
        (Http404, on_404),
        (RequestDataTooBig, on_too_big),
    ]
    for exc_class, handler in handlers:
        api.add_exception_handler(exc_class, handler)
