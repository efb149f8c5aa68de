"""The user account aggregate: how one can log in, roles, terms accepted, erasure.

Only ids and facts live here. Credentials (password hash), login keys (e-mail, username, SSO id)
and the profile are stored beside it by the application layer, because the stream is published
forever and must never hold personal data or secrets.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from identity.domain.errors import AlreadyRegistered, NotRecoverable, UserIsErased, UserNotFound
from identity.domain.events import (
    AccountRecovered,
    ExternalIdentityLinked,
    PasswordChanged,
    RoleGranted,
    SessionsRevoked,
    TermsOfServiceAccepted,
    UserErased,
    UserLocked,
    UserProfileChanged,
    UserRegistered,
)
from orga_shared.contracts.identity import LoginMethod, SessionsRevokedReason
from orga_shared.events import DomainEvent

PLATFORM_ADMIN = "platform-admin"
ROLES = frozenset({PLATFORM_ADMIN})


@dataclass(frozen=True)
class User:
    user_id: str | None = None
    methods: frozenset[str] = frozenset()
    providers: frozenset[str] = frozenset()
    has_password: bool = False
    roles: frozenset[str] = frozenset()
    orga_terms_accepted: bool = False
    erased: bool = False
    lock_level: int = 0
    locked_until: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.user_id is not None and not self.erased


@dataclass(frozen=True)
class Register:
    user_id: str
    method: LoginMethod
    with_password: bool
    provider: str | None = None


@dataclass(frozen=True)
class ChangeProfile:
    fields: tuple[str, ...]
    profile_version: int


@dataclass(frozen=True)
class Recover:
    profile_version: int


@dataclass(frozen=True)
class LinkExternalIdentity:
    provider: str


@dataclass(frozen=True)
class ChangePassword:
    pass


@dataclass(frozen=True)
class AcceptOrgaTerms:
    pass


@dataclass(frozen=True)
class RecordLock:
    locked_until: datetime
    lock_level: int


@dataclass(frozen=True)
class GrantRole:
    role: str


@dataclass(frozen=True)
class Erase:
    pass


@dataclass(frozen=True)
class RevokeSessions:
    """Close every session: tokens issued before `not_before` are refused everywhere
    (docs/adr/0021-token-revocation.md)."""

    not_before: datetime
    reason: SessionsRevokedReason = "logout-everywhere"


Command = (
    Register
    | ChangeProfile
    | Recover
    | LinkExternalIdentity
    | ChangePassword
    | AcceptOrgaTerms
    | RecordLock
    | GrantRole
    | Erase
    | RevokeSessions
)


def _existing(state: User) -> str:
    if state.user_id is None:
        raise UserNotFound()
    if state.erased:
        raise UserIsErased()
    return state.user_id


def decide(state: User, command: Command) -> list[DomainEvent]:
    """Events a command produces on this account, or a domain error; pure."""
    if isinstance(command, RevokeSessions):
        if state.user_id is None:
            raise UserNotFound()
        if state.erased:  # `UserErased` already revokes every session (orga_shared.revocation)
            return []
        return [
            SessionsRevoked(
                user_id=state.user_id, not_before=command.not_before, reason=command.reason
            )
        ]
    if isinstance(command, Register):
        if state.user_id is not None:
            raise AlreadyRegistered()
        events: list[DomainEvent] = [UserRegistered(user_id=command.user_id, method=command.method)]
        if command.with_password:
            events.append(PasswordChanged(user_id=command.user_id))
        if command.provider is not None:
            events.append(
                ExternalIdentityLinked(user_id=command.user_id, provider=command.provider)
            )
        return events
    user_id = _existing(state)
    if isinstance(command, ChangeProfile):
        if not command.fields:
            return []
        return [
            UserProfileChanged(
                user_id=user_id,
                fields=list(command.fields),
                profile_version=command.profile_version,
            )
        ]
    if isinstance(command, Recover):
        if "email" in state.methods:
            raise NotRecoverable()
        return [
            AccountRecovered(user_id=user_id),
            PasswordChanged(user_id=user_id),
            UserProfileChanged(
                user_id=user_id, fields=["email"], profile_version=command.profile_version
            ),
        ]
    if isinstance(command, LinkExternalIdentity):
        if command.provider in state.providers:
            return []
        return [ExternalIdentityLinked(user_id=user_id, provider=command.provider)]
    if isinstance(command, ChangePassword):
        return [PasswordChanged(user_id=user_id)]
    if isinstance(command, AcceptOrgaTerms):
        return [] if state.orga_terms_accepted else [TermsOfServiceAccepted(user_id=user_id)]
    if isinstance(command, RecordLock):
        return [
            UserLocked(
                user_id=user_id, locked_until=command.locked_until, lock_level=command.lock_level
            )
        ]
    if isinstance(command, GrantRole):
        if command.role not in ROLES:
            raise ValueError(f"unknown role {command.role!r}")
        return (
            [] if command.role in state.roles else [RoleGranted(user_id=user_id, role=command.role)]
        )
    if isinstance(command, Erase):
        return [UserErased(user_id=user_id)]
    raise TypeError(f"unknown command {command!r}")


def evolve(state: User, event: DomainEvent) -> User:
    """Fold one event into the state; unknown events leave it unchanged (forward compatible)."""
    if isinstance(event, UserRegistered):
        return replace(state, user_id=event.user_id, methods=frozenset({event.method}))
    if isinstance(event, PasswordChanged):
        return replace(state, has_password=True)
    if isinstance(event, ExternalIdentityLinked):
        return replace(
            state,
            providers=state.providers | {event.provider},
            methods=state.methods | {"sso"},
        )
    if isinstance(event, AccountRecovered):
        return replace(state, methods=state.methods | {"email"})
    if isinstance(event, TermsOfServiceAccepted):
        return replace(state, orga_terms_accepted=True)
    if isinstance(event, UserLocked):
        return replace(state, lock_level=event.lock_level, locked_until=event.locked_until)
    if isinstance(event, RoleGranted):
        return replace(state, roles=state.roles | {event.role})
    if isinstance(event, UserErased):
        return User(user_id=state.user_id, erased=True)
    return state
