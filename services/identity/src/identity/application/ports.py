"""The ports the use cases are written against; `bootstrap` wires the real adapters, the unit
tests the in-memory ones (`tests/unit/memory.py`).

Values that cross a port (a consumed refresh token, a verified assertion, ...) are declared here
too, so neither side imports the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol

from identity.domain.lockout import Slot, Window
from identity.domain.user import Command, User
from orga_shared.events import DomainEvent

Profile = dict[str, Any]


class UserStore(Protocol):
    """The account aggregates (stream `user-<id>`)."""

    async def load(self, user_id: str) -> tuple[User, int]: ...

    async def execute(self, user_id: str, command: Command) -> tuple[User, list[DomainEvent]]: ...


class LoginKeyStore(Protocol):
    """Login key → user id; `reserve` is the atomic "is this e-mail free?" check."""

    async def reserve(self, key: str, user_id: str) -> bool: ...

    async def owner(self, key: str) -> str | None: ...

    async def reserved_at(self, key: str) -> datetime | None: ...

    async def release(self, key: str, user_id: str) -> None: ...

    async def keys_of(self, user_id: str) -> list[str]: ...


class CredentialStore(Protocol):
    async def set_password(self, user_id: str, password_hash: str) -> None: ...

    async def password_hash(self, user_id: str) -> str | None: ...

    async def delete(self, user_id: str) -> None: ...


class ProfileStore(Protocol):
    """Personal data, one versioned document per user; drafts are invisible and unpublished."""

    async def create(self, user_id: str, *, draft: bool = False, **fields: Any) -> Profile: ...

    async def activate(self, user_id: str) -> None: ...

    async def drafts_before(self, cutoff: datetime, limit: int = 100) -> list[str]: ...

    async def delete_draft(self, user_id: str) -> None: ...

    async def get(self, user_id: str) -> Profile | None: ...

    async def update(self, user_id: str, changes: dict[str, Any]) -> Profile | None: ...

    async def erase(self, user_id: str) -> None: ...

    async def recoverable_born_on(self, birth_date: date, limit: int = 5000) -> list[Profile]: ...


class ProfilePublisher(Protocol):
    async def publish_quietly(self, user_id: str) -> None:
        """Publish the profile as it is now; a failure is left to the relay."""
        ...


class LoginThrottle(Protocol):
    """The persistence of `domain.lockout`: windows and the slots taken in them."""

    async def current(self, user_id: str) -> Window: ...

    async def slots(self, user_id: str, window: int) -> list[Slot]: ...

    async def take(self, user_id: str, window: int, slot: int, now: datetime) -> bool: ...

    async def mark_failed(self, user_id: str, window: int, slot: int) -> None: ...

    async def free(self, user_id: str, window: int, slot: int) -> None: ...

    async def open(self, user_id: str, window: Window, now: datetime) -> bool: ...

    async def clear(self, user_id: str) -> None: ...


class RefreshProblem(Enum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REUSED = "reused"


@dataclass(frozen=True)
class Consumed:
    user_id: str
    family_id: str


class RefreshTokenStore(Protocol):
    async def issue(self, user_id: str, family_id: str | None = None) -> str: ...

    async def consume(self, token: str) -> Consumed | RefreshProblem: ...

    async def family_of(self, token: str) -> str | None: ...

    async def revoke_family(self, family_id: str) -> None: ...

    async def revoke_user(self, user_id: str) -> None: ...


@dataclass(frozen=True)
class RecoveryDemand:
    user_id: str
    email: str


class RecoveryDemandStore(Protocol):
    async def create(self, user_id: str, email: str) -> str: ...

    async def delete(self, token: str) -> None: ...

    async def claim(self, token: str) -> RecoveryDemand | None: ...

    async def release(self, token: str) -> None: ...


@dataclass(frozen=True)
class PasswordResetDemand:
    user_id: str
    email: str


class PasswordResetDemandStore(Protocol):
    """Password-reset links: single-use secrets, valid for a while after `create`."""

    async def create(self, user_id: str, email: str) -> str: ...

    async def delete(self, token: str) -> None: ...

    async def find(self, token: str) -> PasswordResetDemand | None:
        """The demand if the link can still be used (known, unexpired, unclaimed)."""
        ...

    async def claim(self, token: str) -> PasswordResetDemand | None: ...

    async def release(self, token: str) -> None: ...

    async def pending(self, user_id: str) -> int:
        """How many of this user's demands are unexpired and unused."""
        ...

    async def forget_user(self, user_id: str) -> None:
        """Drop every demand of this user (its password changed, or the person is erased)."""
        ...


class ReplayGuard(Protocol):
    async def first_use(self, issuer: str, jti: str, expires_at: datetime) -> bool: ...


@dataclass
class HashCounters:
    hashes: int = 0
    verifications: int = 0


class PasswordHasher(Protocol):
    counters: HashCounters

    async def hash(self, password: str) -> str: ...

    async def verify(self, stored_hash: str, password: str) -> bool: ...

    async def verify_unknown_user(self, password: str) -> None: ...

    def needs_rehash(self, stored_hash: str) -> bool: ...


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_in: int


class AccessTokens(Protocol):
    def issue(self, user_id: str, roles: Iterable[str]) -> IssuedToken: ...

    def jwks(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class VerifiedAssertion:
    issuer: str
    provider: str
    external_id: str
    first_name: str
    last_name: str
    birth_date: date | None
    jti: str
    expires_at: datetime


class IdentityProviders(Protocol):
    def verify(self, assertion: str) -> VerifiedAssertion:
        """The assertion's facts, or `AssertionRejected` (and its subclasses)."""
        ...


class Mails(Protocol):
    async def recovery_link(self, to: str, first_name: str, token: str, hours: int) -> None: ...

    async def recovery_done(self, to: str, first_name: str) -> None: ...

    async def password_reset_link(
        self, to: str, first_name: str, token: str, minutes: int
    ) -> None: ...
