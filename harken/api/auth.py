"""Bearer-token authentication: each request acts as the token's user, within its scope."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from harken.accounts.models import ApiToken, User
from harken.api.errors import ReadOnlyToken, Unauthorized
from harken.lib.compiled import Compiled

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# last_used_at is for people auditing their tokens; a minute is precise enough and keeps
# a busy integration from turning every read into a write.
TOUCH_EVERY = timedelta(minutes=1)
# Every API request runs it: compiled once per connection (harken.lib.compiled).
_TOKEN = Compiled(
    lambda digest: ApiToken.objects.select_related("user").filter(digest=digest).order_by()
)


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest) -> ApiToken:
        header = request.headers.get(self.header, "")
        scheme, _, raw = header.partition(" ")
        if not header:
            raise Unauthorized("Send an API token: 'Authorization: Bearer <token>'.")
        if scheme.lower() != "bearer" or not raw.strip():
            raise Unauthorized("The Authorization header must read 'Bearer <token>'.")
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = _TOKEN.get(ApiToken.digest_of(token))
        if found is None or not found.user.is_active:
            raise Unauthorized("This API token is not valid: it may have been revoked.")
        if request.method not in SAFE_METHODS and not found.can_write:
            raise ReadOnlyToken()
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at >= TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        return found


def token_of(request: HttpRequest) -> ApiToken:
    token = getattr(request, "auth", None)
    assert isinstance(token, ApiToken), "the endpoint was mounted without token auth"
    return token


def actor(request: HttpRequest) -> User:
    """The user the request's token acts as."""
    return token_of(request).user
