"""Load, decide, append, update views: the one loop every command goes through.

A concurrent writer makes the append fail with `ConcurrencyError`; the command is then decided
again from a fresh load (its rules may now refuse it), a few times before giving up with a 409.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from orga_shared.events.envelope import DomainEvent
from orga_shared.eventstore.store import ConcurrencyError
from organisation.application.context import Context

S = TypeVar("S")
ATTEMPTS = 4


async def execute(
    ctx: Context,
    stream_id: str,
    initial: S,
    evolve: Callable[[S, DomainEvent], S],
    decide: Callable[[S], list[DomainEvent]],
) -> tuple[S, list[DomainEvent]]:
    """Run one command on a stream; returns the new state and the events appended."""
    for attempt in range(1, ATTEMPTS + 1):
        state, version = await ctx.store.fold(stream_id, initial, evolve)
        events = decide(state)
        if not events:
            return state, []
        try:
            commit = await ctx.store.append(stream_id, version, events)
        except ConcurrencyError:
            if attempt == ATTEMPTS:
                raise
            continue
        await ctx.views.apply_all(list(zip(commit.envelopes, events, strict=True)))
        for event in events:
            state = evolve(state, event)
        return state, events
    raise AssertionError("unreachable")


async def load(
    ctx: Context, stream_id: str, initial: S, evolve: Callable[[S, DomainEvent], S]
) -> S:
    state, _ = await ctx.store.fold(stream_id, initial, evolve)
    return state
