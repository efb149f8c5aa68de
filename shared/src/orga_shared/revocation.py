"""Revoked sessions: access tokens issued before a user's `not_before` are refused
(docs/adr/0021-token-revocation.md).

Identity publishes `SessionsRevoked {user_id, not_before}` on `identity.events` (logout
everywhere, password reset, account recovery); `UserErased` revokes every session too, from the
moment it occurred. Every service that verifies tokens
projects it into its own database, one document per user keyed by `_id` (the only read FerretDB
serves well from an index), and the verifier reads that document per request through a short
in-process cache. The projection is shared by every replica of the service (one consumer group
per service writes it, every replica reads it), so a replica never misses a revocation that
another replica's consumer received.

Each bootstrap adds one line, before the runtime starts:

    track_revocations(runtime)

`orga_shared.http.auth.optional_principal` then refuses a revoked token with 401 `TOKEN_REVOKED`.
A revocation is effective within the consumer's lag plus `cache_seconds`.
"""

from __future__ import annotations

import math
import time
import weakref
from collections import OrderedDict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.contracts.identity import EVENTS_TOPIC, SessionsRevoked, UserErased
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.http.errors import ApiError

if TYPE_CHECKING:
    from orga_shared.runtime import ServiceRuntime

COLLECTION = "revoked_sessions"
REVOCATION_EVENT_TYPES = ("SessionsRevoked", "UserErased")
CACHE_SECONDS = 1.0
CACHE_SIZE = 50_000


class TokenRevoked(ApiError):
    def __init__(self) -> None:
        super().__init__(
            401,
            "TOKEN_REVOKED",
            "Votre session a été fermée (déconnexion de tous les appareils ou mot de passe "
            "changé) : reconnectez-vous.",
        )


def to_millisecond(epoch_seconds: float) -> float:
    """The precision of `iat`: identity stamps tokens with this (`not_before_now` too)."""
    return math.floor(epoch_seconds * 1000) / 1000


def not_before_now() -> float:
    """A `not_before` for a revocation decided now: the next millisecond boundary, so every
    token issued up to now (`iat` <= this millisecond) is refused; identity answers the
    revocation only once the clock has passed it, so a login after that answer is accepted."""
    return (math.floor(time.time() * 1000) + 1) / 1000


def epoch_seconds(value: datetime) -> float:
    """A `not_before` as the verifier compares it with `iat`: seconds to the millisecond (the
    same float a token's `iat` decodes to)."""
    return round(value.timestamp(), 3)


def is_revoked(issued_at: float, not_before: float | None) -> bool:
    """The rule: a token issued strictly before the user's `not_before` is revoked."""
    return not_before is not None and issued_at < not_before


class Revocations:
    """Projection (`handle`, on `identity.events`) and read side (`check`) of revoked sessions."""

    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        *,
        collection: str = COLLECTION,
        cache_seconds: float = CACHE_SECONDS,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.documents: AsyncCollection[dict[str, Any]] = db[collection]
        self.cache_seconds = cache_seconds
        self.cache_size = cache_size
        self._cache: OrderedDict[str, tuple[float, float | None]] = OrderedDict()
        self.reads = 0
        """Database reads made by `not_before` (the cache's misses), for tests and benches."""

    async def handle(self, envelope: Envelope, event: DomainEvent) -> None:
        """Consumer handler: keep the latest `not_before` per user (`$max`: replays, duplicates
        and out-of-order deliveries change nothing)."""
        if isinstance(event, SessionsRevoked):
            user_id, not_before = event.user_id, event.not_before
        elif isinstance(event, UserErased):
            user_id, not_before = event.user_id, envelope.occurred_at
        else:
            return
        await self.documents.update_one(
            {"_id": user_id}, {"$max": {"not_before": epoch_seconds(not_before)}}, upsert=True
        )

    async def not_before(self, user_id: str) -> float | None:
        """The user's `not_before` (epoch seconds), or None; one `_id` read per user and
        `cache_seconds` at most."""
        now = time.monotonic()
        cached = self._cache.get(user_id)
        if cached is not None and now - cached[0] < self.cache_seconds:
            return cached[1]
        self.reads += 1
        doc = await self.documents.find_one({"_id": user_id}, projection={"not_before": 1})
        value = float(doc["not_before"]) if doc and doc.get("not_before") is not None else None
        self._cache[user_id] = (now, value)
        self._cache.move_to_end(user_id)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return value

    async def check(self, user_id: str, issued_at: float) -> None:
        """Raise `TokenRevoked` (401 `TOKEN_REVOKED`) when the token was issued before
        the user's `not_before`."""
        if is_revoked(issued_at, await self.not_before(user_id)):
            raise TokenRevoked()


_BY_RUNTIME: weakref.WeakKeyDictionary[ServiceRuntime, Revocations] = weakref.WeakKeyDictionary()


def track_revocations(
    runtime: ServiceRuntime, *, topic: str = EVENTS_TOPIC, cache_seconds: float = CACHE_SECONDS
) -> Revocations:
    """Project `SessionsRevoked` into the runtime's database and make the HTTP app built on
    this runtime (`orga_shared.http.app.create_app`) refuse revoked tokens. Call before
    `runtime.start()`."""
    revocations = Revocations(runtime.db, cache_seconds=cache_seconds)
    runtime.subscribe(
        name="revocations",
        topics=[topic],
        handler=revocations.handle,
        event_types=REVOCATION_EVENT_TYPES,
    )
    _BY_RUNTIME[runtime] = revocations
    return revocations


def revocations_of(runtime: object) -> Revocations | None:
    """What `track_revocations` registered for this runtime (None: it was not called)."""
    from orga_shared.runtime import ServiceRuntime  # not at import time: keeps auth.py light

    return _BY_RUNTIME.get(runtime) if isinstance(runtime, ServiceRuntime) else None
