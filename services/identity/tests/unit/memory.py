"""In-memory adapters implementing the Protocols of `identity.application.ports`, so a use case
runs in microseconds; the real adapters are exercised by the integration tests.

The collections' stand-ins are in `memory_stores.py`; here are the sessions, recovery and
password-reset demands, assertion replay guard, password hasher, token signer, identity
providers and mail, and `memory_context()` which wires them all into a `Context`.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from identity.application.context import Context
from identity.application.ports import (
    Consumed,
    HashCounters,
    IssuedToken,
    PasswordResetDemand,
    RecoveryDemand,
    RefreshProblem,
    VerifiedAssertion,
)
from identity.domain.errors import AssertionRejected
from identity.domain.lockout import LockPolicy

from .memory_stores import (
    Clock,
    MemoryCredentials,
    MemoryLoginKeys,
    MemoryProfiles,
    MemoryProfileTopic,
    MemoryThrottle,
    MemoryUsers,
)

__all__ = ["Clock", "event_types", "last_published", "mails_sent", "memory_context", "trust"]


@dataclass
class MemoryRefreshTokens:
    clock: Clock
    ttl: timedelta = timedelta(days=7)
    tokens: dict[str, tuple[str, str, datetime]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    revoked: set[str] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    async def issue(self, user_id: str, family_id: str | None = None) -> str:
        token = f"refresh-{next(self._ids)}"
        family = family_id or f"family-{next(self._ids)}"
        self.tokens[token] = (user_id, family, self.clock() + self.ttl)
        return token

    async def consume(self, token: str) -> Consumed | RefreshProblem:
        if token not in self.tokens:
            return RefreshProblem.UNKNOWN
        user_id, family, expires_at = self.tokens[token]
        if family in self.revoked:
            return RefreshProblem.REVOKED
        if expires_at <= self.clock():
            return RefreshProblem.EXPIRED
        if token in self.used:
            self.revoked.add(family)
            return RefreshProblem.REUSED
        self.used.add(token)
        return Consumed(user_id, family)

    async def family_of(self, token: str) -> str | None:
        return self.tokens[token][1] if token in self.tokens else None

    async def revoke_family(self, family_id: str) -> None:
        self.revoked.add(family_id)

    async def revoke_user(self, user_id: str) -> None:
        self.revoked.update(f for u, f, _ in self.tokens.values() if u == user_id)


@dataclass
class MemoryRecoveryDemands:
    demands: dict[str, RecoveryDemand] = field(default_factory=dict)
    claimed: set[str] = field(default_factory=set)

    async def create(self, user_id: str, email: str) -> str:
        token = f"recovery-{len(self.demands)}"
        self.demands[token] = RecoveryDemand(user_id, email)
        return token

    async def delete(self, token: str) -> None:
        self.demands.pop(token, None)

    async def claim(self, token: str) -> RecoveryDemand | None:
        if token not in self.demands or token in self.claimed:
            return None
        self.claimed.add(token)
        return self.demands[token]

    async def release(self, token: str) -> None:
        self.claimed.discard(token)


@dataclass
class MemoryPasswordResets:
    clock: Clock
    ttl: timedelta = timedelta(hours=1)
    demands: dict[str, tuple[PasswordResetDemand, datetime]] = field(default_factory=dict)
    claimed: set[str] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    async def create(self, user_id: str, email: str) -> str:
        token = f"reset-{next(self._ids)}"
        self.demands[token] = (PasswordResetDemand(user_id, email), self.clock() + self.ttl)
        return token

    async def delete(self, token: str) -> None:
        self.demands.pop(token, None)

    async def find(self, token: str) -> PasswordResetDemand | None:
        if token not in self.demands or token in self.claimed:
            return None
        demand, expires_at = self.demands[token]
        return demand if expires_at > self.clock() else None

    async def claim(self, token: str) -> PasswordResetDemand | None:
        demand = await self.find(token)
        if demand is not None:
            self.claimed.add(token)
        return demand

    async def release(self, token: str) -> None:
        self.claimed.discard(token)

    async def pending(self, user_id: str) -> int:
        return sum(
            1
            for token, (demand, expires_at) in self.demands.items()
            if demand.user_id == user_id and expires_at > self.clock() and token not in self.claimed
        )

    async def forget_user(self, user_id: str) -> None:
        for token in [t for t, (d, _) in self.demands.items() if d.user_id == user_id]:
            del self.demands[token]


@dataclass
class MemoryReplayGuard:
    seen: set[tuple[str, str]] = field(default_factory=set)

    async def first_use(self, issuer: str, jti: str, expires_at: datetime) -> bool:
        fresh = (issuer, jti) not in self.seen
        self.seen.add((issuer, jti))
        return fresh


@dataclass
class PlainPasswords:
    """A reversible "hash": the policy and the counters are what the use cases care about."""

    counters: HashCounters = field(default_factory=HashCounters)

    async def hash(self, password: str) -> str:
        self.counters.hashes += 1
        return f"hashed:{password}"

    async def verify(self, stored_hash: str, password: str) -> bool:
        self.counters.verifications += 1
        return stored_hash == f"hashed:{password}"

    async def verify_unknown_user(self, password: str) -> None:
        await self.verify("hashed:", password)

    def needs_rehash(self, stored_hash: str) -> bool:
        return False


@dataclass
class CountingSigner:
    issued: list[tuple[str, frozenset[str]]] = field(default_factory=list)

    def issue(self, user_id: str, roles: Iterable[str]) -> IssuedToken:
        self.issued.append((user_id, frozenset(roles)))
        return IssuedToken(f"access-{len(self.issued)}", 900)

    def jwks(self) -> dict[str, Any]:
        return {"keys": []}


@dataclass
class KnownAssertions:
    """An IdP whose assertions are names the test registered beforehand."""

    assertions: dict[str, VerifiedAssertion] = field(default_factory=dict)

    def verify(self, assertion: str) -> VerifiedAssertion:
        if assertion not in self.assertions:
            raise AssertionRejected()
        return self.assertions[assertion]


@dataclass
class Outbox:
    sent: list[tuple[str, str, str]] = field(default_factory=list)
    failing: bool = False

    async def recovery_link(self, to: str, first_name: str, token: str, hours: int) -> None:
        if self.failing:
            raise ConnectionError("smtp down")
        self.sent.append(("link", to, token))

    async def recovery_done(self, to: str, first_name: str) -> None:
        self.sent.append(("done", to, first_name))

    async def password_reset_link(self, to: str, first_name: str, token: str, minutes: int) -> None:
        if self.failing:
            raise ConnectionError("smtp down")
        self.sent.append(("reset", to, token))


def memory_context(clock: Clock | None = None, threshold: int = 10) -> Context:
    clock = clock or Clock()
    profiles = MemoryProfiles(clock)
    return Context(
        users=MemoryUsers(),
        logins=MemoryLoginKeys(clock),
        credentials=MemoryCredentials(),
        profiles=profiles,
        publisher=MemoryProfileTopic(profiles),
        throttle=MemoryThrottle(),
        refresh_tokens=MemoryRefreshTokens(clock),
        recovery_demands=MemoryRecoveryDemands(),
        password_resets=MemoryPasswordResets(clock),
        replay_guard=MemoryReplayGuard(),
        passwords=PlainPasswords(),
        signer=CountingSigner(),
        idps=KnownAssertions(),
        mails=Outbox(),
        lock_policy=LockPolicy(threshold=threshold),
        clock=clock,
    )


def event_types(ctx: Context, user_id: str) -> list[str]:
    """The account's stream, as event type names."""
    assert isinstance(ctx.users, MemoryUsers)
    return ctx.users.types(user_id)


def last_published(ctx: Context, user_id: str) -> dict[str, Any] | None:
    """The user's latest record on the profile topic (None: a tombstone)."""
    assert isinstance(ctx.publisher, MemoryProfileTopic)
    return ctx.publisher.latest(user_id)


def mails_sent(ctx: Context) -> list[tuple[str, str, str]]:
    assert isinstance(ctx.mails, Outbox)
    return ctx.mails.sent


def trust(ctx: Context, name: str, **facts: Any) -> str:
    """Make `name` an assertion the IdP signed, with these facts over a default student."""
    assert isinstance(ctx.idps, KnownAssertions)
    clock = ctx.clock()
    default: dict[str, Any] = {
        "issuer": "gar",
        "provider": "GAR",
        "external_id": "GAR-1",
        "first_name": "Noémie",
        "last_name": "Le Gall",
        "birth_date": None,
        "jti": name,
        "expires_at": clock + timedelta(minutes=2),
    }
    ctx.idps.assertions[name] = VerifiedAssertion(**(default | facts))
    return name
