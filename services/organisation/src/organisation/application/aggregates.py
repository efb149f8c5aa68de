"""Running a command on a stream with the kernel's `execute`, then updating the local views
(read-your-writes for the user who acted; the repair consumer re-applies them after a crash)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from orga_shared.contracts.organisation import organisation_stream
from orga_shared.events.envelope import DomainEvent
from orga_shared.eventstore.execute import Outcome, execute
from organisation.application.context import Context
from organisation.domain.errors import NotFound
from organisation.domain.organisation import Organisation, evolve

S = TypeVar("S")


async def run(
    ctx: Context,
    stream_id: str,
    initial: S,
    evolve: Callable[[S, DomainEvent], S],
    decide: Callable[[S], list[DomainEvent]],
) -> Outcome[S]:
    outcome = await execute(ctx.store, stream_id, initial, evolve, decide)
    if outcome.commit is not None:
        await ctx.views.apply_all(list(zip(outcome.commit.envelopes, outcome.events, strict=True)))
    return outcome


async def load(
    ctx: Context, stream_id: str, initial: S, evolve: Callable[[S, DomainEvent], S]
) -> S:
    state, _ = await ctx.store.fold(stream_id, initial, evolve)
    return state


async def on_organisation(
    ctx: Context, organisation_id: str, decide: Callable[[Organisation], list[DomainEvent]]
) -> Outcome[Organisation]:
    return await run(ctx, organisation_stream(organisation_id), Organisation(), evolve, decide)


async def organisation(ctx: Context, organisation_id: str) -> Organisation:
    """The organisation's state; a 404 if it does not exist."""
    state = await load(ctx, organisation_stream(organisation_id), Organisation(), evolve)
    if not state.exists:
        raise NotFound("ORGANISATION_NOT_FOUND", "Organisation introuvable.")
    return state


__all__ = ["load", "on_organisation", "organisation", "run"]
