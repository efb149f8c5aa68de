"""The revoked-sessions projection on the real database: `$max` per user by `_id`, replays and
late deliveries change nothing, `UserErased` revokes too, and the read cache is short
(docs/adr/0021-token-revocation.md)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from orga_shared.contracts.identity import SessionsRevoked, UserErased
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.revocation import Revocations, TokenRevoked

pytestmark = pytest.mark.integration

T0 = datetime(2026, 12, 2, 6, 0, 0, 250000, tzinfo=UTC)


def envelope(event: DomainEvent, occurred_at: datetime = T0) -> Envelope:
    return Envelope(
        event_type=event.event_type,
        schema_version=1,
        stream_id=f"user-{getattr(event, 'user_id', '')}",
        stream_version=1,
        occurred_at=occurred_at,
        producer="identity",
        correlation_id="test",
        payload=event.model_dump(mode="json"),
    )


async def deliver(revocations: Revocations, event: DomainEvent, **kw: datetime) -> None:
    await revocations.handle(envelope(event, **kw), event)


async def test_latest_not_before_wins_whatever_the_order(db) -> None:
    revocations = Revocations(db, cache_seconds=0)
    later = SessionsRevoked(user_id="u1", not_before=T0 + timedelta(minutes=5))
    earlier = SessionsRevoked(user_id="u1", not_before=T0, reason="password-reset")
    for event in (later, earlier, later):  # late and duplicate deliveries
        await deliver(revocations, event)

    assert await revocations.not_before("u1") == (T0 + timedelta(minutes=5)).timestamp()
    assert await revocations.not_before("nobody") is None
    assert [d["_id"] async for d in db["revoked_sessions"].find({})] == ["u1"]
    with pytest.raises(TokenRevoked):
        await revocations.check("u1", T0.timestamp() + 299.999)
    await revocations.check("u1", T0.timestamp() + 300)  # issued at not_before: accepted
    await revocations.check("nobody", 0.0)


async def test_an_erased_user_is_revoked_from_the_erasure(db) -> None:
    revocations = Revocations(db, cache_seconds=0)
    await deliver(revocations, UserErased(user_id="u2"), occurred_at=T0)
    with pytest.raises(TokenRevoked):
        await revocations.check("u2", T0.timestamp() - 1)


async def test_reads_are_cached_briefly_then_see_a_new_revocation(db) -> None:
    revocations = Revocations(db, cache_seconds=0.3)
    for _ in range(20):
        await revocations.check("u3", T0.timestamp())
    assert revocations.reads == 1  # one `_id` read per user per cache period

    await deliver(revocations, SessionsRevoked(user_id="u3", not_before=T0 + timedelta(hours=1)))
    await asyncio.sleep(0.35)
    with pytest.raises(TokenRevoked):
        await revocations.check("u3", T0.timestamp())
    assert revocations.reads == 2
