"""Bearer-token authentication: each request acts as the token's user, within its scope."""

from __future__ import annotations

from collections.abc import Iterable
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
# Tokens of requests filed together (harken.inbox.api_fast).
_TOKENS = Compiled(
    lambda *digests: ApiToken.objects.select_related("user").filter(digest__in=digests).order_by(),
    any_number=True,
)


def bearer(header: str) -> str:
    """The token an Authorization header sends, or Unauthorized saying what to send."""
    scheme, _, raw = header.partition(" ")
    if not header:
        raise Unauthorized("Send an API token: 'Authorization: Bearer <token>'.")
    if scheme.lower() != "bearer" or not raw.strip():
        raise Unauthorized("The Authorization header must read 'Bearer <token>'.")
    return raw.strip()


def valid(token: ApiToken | None) -> ApiToken | None:
    """The token if it still acts for someone: it exists and its user is active."""
    return token if token is not None and token.user.is_active else None


def tokens_with_digests(digests: Iterable[str]) -> dict[str, ApiToken]:
    """The valid tokens among these digests, in one query."""
    found = (valid(token) for token in _TOKENS.all(*set(digests)))
    return {token.digest: token for token in found if token is not None}


def touch(tokens: Iterable[ApiToken]) -> None:
    """Mark the tokens used now; each is written at most once a minute (TOUCH_EVERY)."""
    now = timezone.now()
    stale = [t for t in tokens if t.last_used_at is None or now - t.last_used_at >= TOUCH_EVERY]
    if stale:
        ApiToken.objects.filter(pk__in=[t.pk for t in stale]).update(last_used_at=now)
        for token in stale:
            token.last_used_at = now


class BearerToken(HttpBearer):
    def __call__(self, request: HttpRequest) -> ApiToken:
        return self.authenticate(request, bearer(request.headers.get(self.header, "")))

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = valid(_TOKEN.get(ApiToken.digest_of(token)))
        if found is None:
            raise Unauthorized("This API token is not valid: it may have been revoked.")
        if request.method not in SAFE_METHODS and not found.can_write:
            raise ReadOnlyToken()
        touch([found])
        return found


def token_of(request: HttpRequest) -> ApiToken:
    token = getattr(request, "auth", None)
    assert isinstance(token, ApiToken), "the endpoint was mounted without token auth"
    return token


def actor(request: HttpRequest) -> User:
    """The user the request's token acts as."""
    return token_of(request).user
