"""User aggregates on the event store: stream `user-<id>`, run through the kernel's `execute`."""

from __future__ import annotations

from identity.domain.user import Command, User, decide, evolve
from orga_shared.events import DomainEvent
from orga_shared.eventstore import EventLog, execute


def stream_id(user_id: str) -> str:
    return f"user-{user_id}"


class Users:
    def __init__(self, store: EventLog) -> None:
        self.store = store

    async def load(self, user_id: str) -> tuple[User, int]:
        return await self.store.fold(stream_id(user_id), User(), evolve)

    async def execute(self, user_id: str, command: Command) -> tuple[User, list[DomainEvent]]:
        """The new state and the events appended (none: the command changed nothing)."""
        outcome = await execute(
            self.store,
            stream_id(user_id),
            User(),
            evolve,
            lambda state: decide(state, command),
            key=user_id,
        )
        return outcome.state, outcome.events
