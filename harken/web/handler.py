"""One WSGI application, two middleware chains: the site's, and a short one for the API.

Every request through `settings.MIDDLEWARE` pays for sessions, CSRF, messages, htmx and
allauth: about 0.6 ms of CPU here, which is more than a simple API read costs. API requests
authenticate with a bearer token and never touch a session, a cookie or a message, so
`/api/` is served by a handler built from `API_MIDDLEWARE` alone; everything else goes
through the full chain. API tests use the same chain (`harken.api.testing`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest
from django.http.response import HttpResponseBase

API_PREFIX = "/api/"
# The API's docs are a page for people: rendered with the site's templates, whose context
# needs the signed-in user.
API_PAGES = frozenset({"/api/v1/docs", "/api/v1/docs/"})
# HSTS, nosniff, the referrer policy and HTTPS redirects apply to the API as to the site;
# X-Frame-Options covers the docs page.
API_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]


class ApiChain(BaseHandler):
    """Mix into a handler class to build it with API_MIDDLEWARE."""

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        response = super().get_response(request)
        # The site's chain sizes answers in CommonMiddleware; without a size, the web server
        # sends the API's answers in chunks, which every client must then reassemble.
        if not response.streaming and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))  # type: ignore[attr-defined]
        return response

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler builds its chain from settings.MIDDLEWARE; lend it the API's list for
        # the build. It runs once, when the handler is made, before any request.
        site_chain = settings.MIDDLEWARE
        settings.MIDDLEWARE = API_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = site_chain


class ApiHandler(ApiChain, WSGIHandler):
    """Serves /api/ through API_MIDDLEWARE."""


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIX) and path not in API_PAGES


class HarkenWSGI:
    """Sends /api/ to the API's chain and every other path to the site's."""

    def __init__(self) -> None:
        self.site = WSGIHandler()
        self.api = ApiHandler()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if is_api(environ.get("PATH_INFO", "")):
            return self.api(environ, start_response)
        return self.site(environ, start_response)
