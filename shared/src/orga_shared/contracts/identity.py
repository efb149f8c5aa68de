"""Events published by identity on `identity.events`: ids and facts only.

Names, e-mails, usernames, birth dates and external (SSO) ids never appear here: they travel on
the compacted topic `identity.user-profiles`, keyed by user id, so erasing a person is possible
while this history stays forever (docs/design.md §2).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Literal

from orga_shared.events.envelope import DomainEvent
from orga_shared.events.registry import EVENTS

EVENTS_TOPIC = "identity.events"
USER_PROFILES_TOPIC = "identity.user-profiles"

LoginMethod = Literal["email", "username", "sso"]


@EVENTS.register
class UserRegistered(DomainEvent):
    """An account exists; `method` is how it was created (e-mail, generated username or SSO)."""

    event_type: ClassVar[str] = "UserRegistered"
    user_id: str
    method: LoginMethod


@EVENTS.register
class UserProfileChanged(DomainEvent):
    """Profile fields changed; the values are on `identity.user-profiles` at `profile_version`."""

    event_type: ClassVar[str] = "UserProfileChanged"
    user_id: str
    fields: list[str]
    profile_version: int


@EVENTS.register
class ExternalIdentityLinked(DomainEvent):
    """An identity provider (e.g. GAR) now logs this user in; its opaque id stays in identity."""

    event_type: ClassVar[str] = "ExternalIdentityLinked"
    user_id: str
    provider: str


@EVENTS.register
class AccountRecovered(DomainEvent):
    """A school (SSO or username) account got an e-mail and a password after an identity check."""

    event_type: ClassVar[str] = "AccountRecovered"
    user_id: str


@EVENTS.register
class PasswordChanged(DomainEvent):
    """The password credential was set or replaced (the hash never leaves identity)."""

    event_type: ClassVar[str] = "PasswordChanged"
    user_id: str


@EVENTS.register
class TermsOfServiceAccepted(DomainEvent):
    """The user accepted the terms of use of a product (`pix-orga`)."""

    event_type: ClassVar[str] = "TermsOfServiceAccepted"
    user_id: str
    terms: Literal["pix-orga"] = "pix-orga"


@EVENTS.register
class UserLocked(DomainEvent):
    """Too many failed logins: password logins are refused until `locked_until`."""

    event_type: ClassVar[str] = "UserLocked"
    user_id: str
    locked_until: datetime
    lock_level: int


@EVENTS.register
class RoleGranted(DomainEvent):
    """A platform role (e.g. `platform-admin`) now appears in the user's access tokens."""

    event_type: ClassVar[str] = "RoleGranted"
    user_id: str
    role: str


@EVENTS.register
class UserErased(DomainEvent):
    """The person was erased: every service drops its personal data (tombstone on profiles)."""

    event_type: ClassVar[str] = "UserErased"
    user_id: str


SessionsRevokedReason = Literal["logout-everywhere", "password-reset", "account-recovered"]


@EVENTS.register
class SessionsRevoked(DomainEvent):
    """Every session of the user is closed: access tokens issued before `not_before` are refused
    by every service (docs/adr/0021-token-revocation.md), refresh tokens already are."""

    event_type: ClassVar[str] = "SessionsRevoked"
    user_id: str
    not_before: datetime
    reason: SessionsRevokedReason = "logout-everywhere"
