"""User aggregates on the event store: stream `user-<id>`, load by fold, decide, append, retry.

A concurrent writer makes the append fail with `ConcurrencyError`; the command is decided again
on a fresh load (decide is pure, so retrying is safe).
"""

from __future__ import annotations

from identity.domain.user import Command, User, decide, evolve
from orga_shared.events import DomainEvent
from orga_shared.eventstore import ConcurrencyError, EventStore


def stream_id(user_id: str) -> str:
    return f"user-{user_id}"


class Users:
    def __init__(self, store: EventStore, attempts: int = 5) -> None:
        self.store = store
        self.attempts = attempts

    async def load(self, user_id: str) -> tuple[User, int]:
        return await self.store.fold(stream_id(user_id), User(), evolve)

    async def execute(self, user_id: str, command: Command) -> tuple[User, list[DomainEvent]]:
        """Run a command against the current state; the new state and the events appended."""
        for attempt in range(self.attempts):
            state, version = await self.load(user_id)
            events = decide(state, command)
            if not events:
                return state, []
            try:
                await self.store.append(stream_id(user_id), version, events, key=user_id)
            except ConcurrencyError:
                if attempt == self.attempts - 1:
                    raise
                continue
            for event in events:
                state = evolve(state, event)
            return state, events
        raise AssertionError("unreachable")
