"""The JSON API under /api/v1: one NinjaAPI, each app's router, one error shape."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI
from ninja.openapi.docs import ABS_TPL_PATH, Swagger
from ninja.openapi.schema import OpenAPISchema

from harken.accounts.api import router as accounts_router
from harken.api.auth import BearerToken
from harken.api.errors import JsonParser, MethodNotAllowed, UnknownEndpoint, error_response, install
from harken.customers.api import router as customers_router
from harken.features.api import router as features_router
from harken.inbox.api import router as inbox_router
from harken.inbox.api_batch import router as batch_router
from harken.inbox.api_fast import create_note
from harken.inbox.api_links import router as links_router
from harken.web.handler import FAST_TRIED, FastAnswer

DESCRIPTION = """
Harken's JSON API. Send `Authorization: Bearer <token>` (create a token under Settings ->
API tokens); read-scope tokens may only GET. Every 4xx answer has the shape
`{"error": {"code", "message", "field", "details"}}`; invalid input is always 400.
Lists answer `{"items": [...], "next_cursor": ...}`: pass `?cursor=<next_cursor>` for the
next page, `?limit=` (1-100) for its size. See docs/api.md.
"""


def _json_405(view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            # Ninja's root view raises it to mark the API's base path.
            return error_response(UnknownEndpoint(request.path))
        if isinstance(response, HttpResponseNotAllowed):
            json_response = error_response(MethodNotAllowed(request.method or ""))
            json_response["Allow"] = response["Allow"]
            return json_response
        return response

    return wrapper


# A view that answers some requests of a route itself, before Ninja: the response, or None
# to let Ninja answer (harken.inbox.api_fast).
FastPath = Callable[[NinjaAPI, HttpRequest], HttpResponse | None]


def _fast_first(api: NinjaAPI, fast: FastPath, view: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # Production offers the request to the fast path before Django's handler (harken.web.
        # handler); the test client and other handlers, here.
        if request.META.get(FAST_TRIED):
            return view(request, *args, **kwargs)
        response = fast(api, request)
        return view(request, *args, **kwargs) if response is None else response

    return wrapper


def _unknown_endpoint(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(UnknownEndpoint(request.path))


_unknown_endpoint.csrf_exempt = True  # type: ignore[attr-defined]


class HarkenAPI(NinjaAPI):
    """NinjaAPI whose 405s and unknown paths answer in the API's error shape too, whose
    OpenAPI document is built once per process, and whose `fast_paths` (by route) are tried
    before Ninja's view of their route."""

    def __init__(
        self, *args: Any, fast_paths: dict[str, FastPath] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._openapi_documents: dict[str, OpenAPISchema] = {}
        self.fast_paths = fast_paths or {}

    def fast_answers(self) -> dict[str, FastAnswer]:
        """The fast paths by their whole path, for the WSGI handler (harken.web.handler)."""
        root = self.get_root_path({})
        return {
            root + route: functools.partial(fast, self) for route, fast in self.fast_paths.items()
        }

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        # Ninja builds the document afresh on every request, running pydantic's JSON-schema
        # generation for every answer of every endpoint: about 1.5 s of CPU on a small
        # server, per visit to the docs. The routes cannot change once the process has
        # loaded them, so one document per root path serves every request.
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        document = self._openapi_documents.get(path_prefix)
        if document is None:
            document = super().get_openapi_schema(path_prefix=path_prefix)
            self._openapi_documents[path_prefix] = document
        return document

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_405(pattern.callback)
                fast = self.fast_paths.get(str(pattern.pattern))
                if fast is not None:
                    pattern.callback = _fast_first(self, fast, pattern.callback)
        urls.append(re_path(r"^(?P<rest>.*)$", _unknown_endpoint))
        return urls


class LocalSwagger(Swagger):
    """Ninja's Swagger UI page with its files from the package (settings.py finds them), not
    the CDN Ninja falls back to when it is not an installed app: the docs work offline and
    tell no other site who reads them."""

    template_cdn = str(ABS_TPL_PATH / "swagger.html")


api = HarkenAPI(
    title="Harken API",
    version="1",
    description=DESCRIPTION,
    docs=LocalSwagger(),
    urls_namespace="api",
    auth=BearerToken(),
    parser=JsonParser(),
    fast_paths={"notes": create_note},
)
install(api)
# The batch path goes first: /notes/{note_id} would otherwise claim /notes/batch.
for router in (
    batch_router,
    inbox_router,
    links_router,
    features_router,
    customers_router,
    accounts_router,
):
    api.add_router("", router)
