"""MongoDB event store: one document per commit, which is also the outbox (docs/design.md §2)."""

from orga_shared.eventstore.execute import Outcome, execute
from orga_shared.eventstore.store import (
    Commit,
    ConcurrencyError,
    EventLog,
    EventStore,
    RecordedEvent,
    StreamCorrupted,
    new_commit,
)

__all__ = [
    "Commit",
    "ConcurrencyError",
    "EventLog",
    "EventStore",
    "Outcome",
    "RecordedEvent",
    "StreamCorrupted",
    "execute",
    "new_commit",
]
