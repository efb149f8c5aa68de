"""Domain refusals: a stable code (the real service's where it has one), a French message.

The HTTP layer maps each kind to a status; the domain never knows about HTTP.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A command refused by a rule; nothing was written."""

    kind = "invalid"

    def __init__(self, code: str, message: str, field: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.details = details


class NotFound(DomainError):
    kind = "not_found"


class Forbidden(DomainError):
    kind = "forbidden"


class Conflict(DomainError):
    kind = "conflict"


class Gone(DomainError):
    kind = "gone"


def not_a_member() -> Forbidden:
    return Forbidden("NOT_A_MEMBER", "Vous n'êtes pas membre de cette organisation.")


def admin_only() -> Forbidden:
    return Forbidden(
        "ADMIN_ONLY", "Cette action est réservée aux administrateurs de l'organisation."
    )
