"""Load, decide, append, retry: the one loop every command on an aggregate goes through.

A concurrent writer makes the append fail with `ConcurrencyError`; the command is then decided
again from a fresh load (its rules may now refuse it, and `decide` is pure, so retrying is
safe), a few times before the conflict reaches the caller (HTTP 409).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from orga_shared.events.envelope import DomainEvent
from orga_shared.eventstore.store import Commit, ConcurrencyError, EventLog

S = TypeVar("S")
ATTEMPTS = 4


@dataclass(frozen=True)
class Outcome(Generic[S]):
    """The state after the command, the events it appended (none: nothing to do), their commit."""

    state: S
    events: list[DomainEvent]
    commit: Commit | None


async def execute(
    store: EventLog,
    stream_id: str,
    initial: S,
    evolve: Callable[[S, DomainEvent], S],
    decide: Callable[[S], list[DomainEvent]],
    *,
    attempts: int = ATTEMPTS,
    key: str | None = None,
) -> Outcome[S]:
    """Run one command (`decide`, given the current state) on a stream."""
    for attempt in range(1, attempts + 1):
        state, version = await store.fold(stream_id, initial, evolve)
        events = decide(state)
        if not events:
            return Outcome(state, [], None)
        try:
            commit = await store.append(stream_id, version, events, key=key)
        except ConcurrencyError:
            if attempt == attempts:
                raise
            continue
        for event in events:
            state = evolve(state, event)
        return Outcome(state, events, commit)
    raise AssertionError("unreachable")
