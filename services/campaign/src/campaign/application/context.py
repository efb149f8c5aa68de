"""`Context`: what campaign's use cases may touch. Today its event store; campaigns, codes and
the membership projection join it with their issue."""

from __future__ import annotations

from dataclasses import dataclass

from orga_shared.eventstore.store import EventStore


@dataclass(frozen=True)
class Context:
    store: EventStore
    """Campaign's own event store, published on `campaign.events`."""
