"""Everything a use case may touch, wired once by `bootstrap` (real adapters only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from identity.adapters.assertion_replay import AssertionReplayGuard
from identity.adapters.credentials import Credentials
from identity.adapters.idp import TrustedIdentityProviders
from identity.adapters.logins import LoginKeys
from identity.adapters.mail import IdentityMails
from identity.adapters.passwords import Argon2Passwords
from identity.adapters.profiles import ProfilePublisher, Profiles
from identity.adapters.recovery_demands import RecoveryDemands
from identity.adapters.refresh_tokens import RefreshTokens
from identity.adapters.throttle import ThrottleStore
from identity.adapters.tokens import TokenSigner
from identity.adapters.users import Users
from identity.domain.lockout import LockPolicy
from orga_shared.clock import utcnow


@dataclass
class LoginStats:
    """Operational counters (exposed on /metrics): refusals that cost no password hash."""

    refused_locked: int = 0


@dataclass
class Context:
    users: Users
    logins: LoginKeys
    credentials: Credentials
    profiles: Profiles
    publisher: ProfilePublisher
    throttle: ThrottleStore
    refresh_tokens: RefreshTokens
    recovery_demands: RecoveryDemands
    replay_guard: AssertionReplayGuard
    passwords: Argon2Passwords
    signer: TokenSigner
    idps: TrustedIdentityProviders
    mails: IdentityMails
    lock_policy: LockPolicy
    recovery_ttl: timedelta
    orphan_grace: timedelta = timedelta(minutes=2)
    clock: Callable[[], datetime] = field(default=utcnow)
    stats: LoginStats = field(default_factory=LoginStats)
