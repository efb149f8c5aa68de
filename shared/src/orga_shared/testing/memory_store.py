"""An event store in memory, for application tests on in-memory adapters (docs/architecture.md).

Same contract as `orga_shared.eventstore.EventStore` (`EventLog`): a commit appends after the
version its writer loaded or raises `ConcurrencyError`; envelopes are built by the kernel's
`new_commit`, as the real store builds them. Nothing is published.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.eventstore.store import Commit, ConcurrencyError, new_commit

S = TypeVar("S")


class MemoryEventStore:
    def __init__(self, topic: str = "test.events", producer: str = "test") -> None:
        self.topic = topic
        self.producer = producer
        self.streams: dict[str, list[tuple[Envelope, DomainEvent]]] = {}
        self.conflicts_to_raise = 0
        """Make the next appends fail as if another writer had appended first."""

    async def fold(
        self, stream_id: str, initial: S, evolve: Callable[[S, DomainEvent], S]
    ) -> tuple[S, int]:
        state = initial
        recorded = self.streams.get(stream_id, [])
        for _, event in recorded:
            state = evolve(state, event)
        return state, len(recorded)

    async def append(
        self,
        stream_id: str,
        expected_version: int,
        events: Sequence[DomainEvent],
        *,
        key: str | None = None,
    ) -> Commit:
        recorded = self.streams.setdefault(stream_id, [])
        if self.conflicts_to_raise or len(recorded) != expected_version:
            self.conflicts_to_raise = max(0, self.conflicts_to_raise - 1)
            raise ConcurrencyError(stream_id, expected_version)
        commit = new_commit(
            stream_id, expected_version, events, topic=self.topic, producer=self.producer, key=key
        )
        recorded.extend(zip(commit.envelopes, events, strict=True))
        return commit

    def events(self) -> list[DomainEvent]:
        return [event for recorded in self.streams.values() for _, event in recorded]
