"""MongoDB event store: one document per commit, which is also the outbox (docs/design.md §2)."""

from orga_shared.eventstore.execute import Outcome, execute
from orga_shared.eventstore.store import (
    Commit,
    ConcurrencyError,
    EventStore,
    RecordedEvent,
    StreamCorrupted,
)

__all__ = [
    "Commit",
    "ConcurrencyError",
    "EventStore",
    "Outcome",
    "RecordedEvent",
    "StreamCorrupted",
    "execute",
]
