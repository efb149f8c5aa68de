"""`Context`: everything a use case may touch, as the Protocols of `ports.py`.

`bootstrap` fills it with the real adapters, the unit tests with in-memory ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from identity.application.ports import (
    AccessTokens,
    CredentialStore,
    IdentityProviders,
    LoginKeyStore,
    LoginThrottle,
    Mails,
    PasswordHasher,
    PasswordResetDemandStore,
    ProfilePublisher,
    ProfileStore,
    RecoveryDemandStore,
    RefreshTokenStore,
    ReplayGuard,
    UserStore,
)
from identity.domain.lockout import LockPolicy
from orga_shared.clock import utcnow


@dataclass
class LoginStats:
    """Operational counters (the operator's /metrics): refusals that cost no password hash."""

    refused_locked: int = 0


@dataclass
class Context:
    users: UserStore
    logins: LoginKeyStore
    credentials: CredentialStore
    profiles: ProfileStore
    publisher: ProfilePublisher
    throttle: LoginThrottle
    refresh_tokens: RefreshTokenStore
    recovery_demands: RecoveryDemandStore
    password_resets: PasswordResetDemandStore
    replay_guard: ReplayGuard
    passwords: PasswordHasher
    signer: AccessTokens
    idps: IdentityProviders
    mails: Mails
    lock_policy: LockPolicy = field(default_factory=LockPolicy)
    recovery_ttl: timedelta = timedelta(hours=24)
    password_reset_ttl: timedelta = timedelta(hours=1)
    password_reset_max_pending: int = 3
    orphan_grace: timedelta = timedelta(minutes=2)
    clock: Callable[[], datetime] = field(default=utcnow)
    stats: LoginStats = field(default_factory=LoginStats)
