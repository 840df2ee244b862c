"""Errors that actions raise for input a user can fix; every surface turns them into a 4xx."""

from __future__ import annotations


class ActionError(Exception):
    """The request cannot be carried out as given; `message` says what to fix."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


class NotAllowed(ActionError):
    """The actor's role does not allow this action."""

    status = 403

    def __init__(self, message: str = "Your role does not allow this.") -> None:
        super().__init__(message, code="forbidden")


class NotFound(ActionError):
    """No such object, or the actor may not see it (we do not tell which)."""

    status = 404

    def __init__(self, what: str = "object") -> None:
        super().__init__(f"No such {what}.", code="not_found")
