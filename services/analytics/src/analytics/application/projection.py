"""The contract between analytics' projector (the loop that reads Kafka) and its projections
(the functions that turn one event into document writes).

- A `Generation` names one full set of projection collections (`g3.participations`, …). The live
  one is named in `meta` (`{_id: "generation", current: "g3"}`); a replay builds the next one
  beside it, from the earliest offsets with its own consumer group, then switches readers
  (docs/design.md §3). An "as of" generation (`asof-20261001T0000Z`) is built from the events up to
  an instant and never becomes current.
- A `Record` is one event with where it came from: `tp` (`<topic>:<partition>`) and `offset`.
  Events of one participant stream are always in one partition, in order, so a write guarded by
  `offset` (per `tp`) or by the stream version is applied exactly once however often the record
  is delivered (crash, redelivery, replay).
- Personal data (names, external ids) is not projected here: it lives in the `people`
  collections, followed from the compacted topics, outside every generation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.events.envelope import DomainEvent, Envelope

Doc = dict[str, Any]


@dataclass(frozen=True)
class Generation:
    db: AsyncDatabase[Doc]
    name: str

    def col(self, base: str) -> AsyncCollection[Doc]:
        return self.db[f"{self.name}.{base}"]

    async def collections(self) -> list[str]:
        prefix = f"{self.name}."
        return [c for c in await self.db.list_collection_names() if c.startswith(prefix)]


@dataclass(frozen=True)
class Record:
    envelope: Envelope
    event: DomainEvent
    topic: str
    partition: int
    offset: int

    @property
    def tp(self) -> str:
        return f"{self.topic}:{self.partition}"


class Projection(Protocol):
    """Turns events into document writes of one generation; every write is idempotent.

    A projection may also hold writes back within a batch (`flush(gen)`, called by the
    projector before it commits the batch's offsets, and `discard()` when a batch fails)."""

    event_types: frozenset[str]

    async def ensure_indexes(self, gen: Generation) -> None: ...

    async def apply(self, gen: Generation, record: Record) -> None: ...
