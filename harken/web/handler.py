"""One WSGI application, two middleware chains: the site's, and a short one for the API.

Every request through `settings.MIDDLEWARE` pays for sessions, CSRF, messages, htmx and
allauth: about 0.6 ms of CPU here, which is more than a simple API read costs. API requests
authenticate with a bearer token and never touch a session, a cookie or a message, so
`/api/` is served by a handler built from `API_MIDDLEWARE` alone; everything else goes
through the full chain. API tests use the same chain (`harken.api.testing`).

The API's busiest path, filing a note, is offered first to its fast answer
(harken.inbox.api_fast) outside Django's handler: with URL resolving, the handler's layers
and the request signals, the handler cost as much CPU as the fast answer itself. Around it,
the API chain's middleware hooks run as the chain would run them. What the signals' receivers
do for a request (check the database connection's health and age) the fast answer does for
the one connection it uses, before each write. A request the fast answer passes on goes
through the handler as any other, with its body as it came.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import response_for_exception
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.module_loading import import_string

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


# A view that answers some requests of its path before Django's handler: the response, or
# None to let the handler answer.
FastAnswer = Callable[[HttpRequest], HttpResponseBase | None]
# Set in the environ of a request offered to a fast answer, so it is offered only once.
FAST_TRIED = "harken.fast_tried"


def _sized(response: HttpResponseBase) -> HttpResponseBase:
    # The site's chain sizes answers in CommonMiddleware; without a size, the web server
    # sends the API's answers in chunks, which every client must then reassemble.
    if not response.streaming and not response.has_header("Content-Length"):
        response.headers["Content-Length"] = str(len(response.content))  # type: ignore[attr-defined]
    return response


class ApiChain(BaseHandler):
    """Mix into a handler class to build it with API_MIDDLEWARE."""

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        return _sized(super().get_response(request))

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler builds its chain from settings.MIDDLEWARE; lend it the API's list for
        # the build. It runs once, when the handler is made, before any request.
        site_chain = settings.MIDDLEWARE
        settings.MIDDLEWARE = API_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = site_chain


def _no_view(request: HttpRequest) -> HttpResponseBase:
    raise AssertionError("a fast answer's middleware hooks are called one by one")


class ApiHandler(ApiChain, WSGIHandler):
    """Serves /api/ through API_MIDDLEWARE; a path in `fast` is offered to its fast answer
    first."""

    def __init__(self, fast: Mapping[str, FastAnswer] | None = None) -> None:
        super().__init__()
        self.fast = dict(fast or {})
        self.hooks = [import_string(name)(_no_view) for name in API_MIDDLEWARE]

    def __call__(  # type: ignore[override] # any iterable of bytes is a WSGI answer
        self, environ: dict[str, Any], start_response: Any
    ) -> Iterable[bytes]:
        fast = self.fast.get(environ.get("PATH_INFO", ""))
        if fast is not None:
            environ[FAST_TRIED] = True
            request = self.request_class(environ)
            response = self._fast(fast, request)
            if response is not None:
                cookies = [("Set-Cookie", c.output(header="")) for c in response.cookies.values()]
                status = f"{response.status_code} {response.reason_phrase}"
                start_response(status, [*response.items(), *cookies])
                return [response.content]  # type: ignore[attr-defined]
            body: bytes | None = getattr(request, "_body", None)
            if body is not None:
                # Read here; the handler reads the request afresh from the environ.
                environ["wsgi.input"] = BytesIO(body)
        return super().__call__(environ, start_response)

    def _fast(self, fast: FastAnswer, request: HttpRequest) -> HttpResponseBase | None:
        """The fast answer with the middleware hooks around it, as the chain calls them."""
        for hook in self.hooks:
            process_request = getattr(hook, "process_request", None)
            if process_request is not None and process_request(request) is not None:
                return None  # a hook answers (an HTTPS redirect): the chain gives its answer
        try:
            response = fast(request)
        except Exception as exc:  # answered as the handler answers it: a 500, logged
            response = response_for_exception(request, exc)
        if response is None:
            return None
        for hook in reversed(self.hooks):
            response = hook.process_response(request, response)
        return _sized(response)


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIX) and path not in API_PAGES


class HarkenWSGI:
    """Sends /api/ to the API's chain and every other path to the site's."""

    def __init__(self) -> None:
        from harken.api.urls import api  # the URLconf's, once Django is set up

        self.site = WSGIHandler()
        self.api = ApiHandler(api.fast_answers())

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if is_api(environ.get("PATH_INFO", "")):
            return self.api(environ, start_response)
        return self.site(environ, start_response)
