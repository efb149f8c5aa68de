"""What G4 and G5 replay until analytics' real projections are merged: a stand-in projection
written like them (idempotent writes guarded by each record's partition offset), the events it
reads, and the documents of a generation to compare."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator
from typing import Any

from pymongo.errors import DuplicateKeyError

from analytics.application.projection import Generation, Record
from bench.workload import PRODUCER, REGISTRY, BenchAnswerRecorded, sample_event
from orga_shared.events.envelope import Envelope
from orga_shared.messaging.producer import make_producer
from orga_shared.testing.histories import history, produce_history

STAND_IN = "stand-in projection (answers per result and level, offset-guarded $inc)"


class AnswerCounters:
    """Answers and elapsed time per (result, level); with `per_event`, one document per answer
    too (upserted by event id)."""

    event_types = frozenset({BenchAnswerRecorded.event_type})

    def __init__(self, per_event: bool = False) -> None:
        self.per_event = per_event

    async def ensure_indexes(self, gen: Generation) -> None:
        return None

    async def apply(self, gen: Generation, record: Record) -> None:
        event = record.event
        assert isinstance(event, BenchAnswerRecorded)
        position = f"pos.{record.tp.replace('.', '_')}"
        try:
            await gen.col("counters").update_one(
                {
                    "_id": f"{event.result}-{event.level}",
                    position: {"$not": {"$gte": record.offset}},
                },
                {
                    "$inc": {"answers": 1, "elapsed_ms": event.elapsed_ms},
                    "$set": {position: record.offset},
                },
                upsert=True,
            )
        except DuplicateKeyError:
            pass  # applied already
        if self.per_event:
            await gen.col("answers").replace_one(
                {"_id": record.envelope.event_id},
                {"participation": event.campaign_participation_id, "result": event.result},
                upsert=True,
            )


def envelopes(n: int, seed: int = 7) -> Iterator[tuple[bytes, bytes]]:
    """(key, value) of `n` answer envelopes on 1,000 participant streams."""
    rng = random.Random(seed)
    versions: dict[int, int] = {}
    for _ in range(n):
        stream = rng.randrange(1_000)
        versions[stream] = versions.get(stream, 0) + 1
        envelope = Envelope(
            event_id=str(uuid.UUID(int=rng.getrandbits(128))),
            event_type=BenchAnswerRecorded.event_type,
            schema_version=1,
            stream_id=f"participant-{stream}",
            stream_version=versions[stream],
            producer=PRODUCER,
            correlation_id=str(uuid.UUID(int=rng.getrandbits(128))),
            payload=sample_event(rng).model_dump(mode="json"),
        )
        yield f"participant-{stream}".encode(), envelope.to_json_bytes()


async def produce(bootstrap: str, topic: str, n: int, seed: int = 7, chunk: int = 20_000) -> None:
    """Send `n` envelopes, `chunk` at a time, every acknowledgement awaited."""
    producer = make_producer(bootstrap, "bench-replay")
    await producer.start()
    try:
        pending = []
        for key, value in envelopes(n, seed):
            pending.append(await producer.send(topic, value=value, key=key))
            if len(pending) >= chunk:
                await asyncio.gather(*pending)
                pending = []
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def documents(gen: Generation, bases: tuple[str, ...]) -> dict[tuple[str, str], Any]:
    """(collection, _id) -> document, for comparing generations."""
    found: dict[tuple[str, str], Any] = {}
    for base in bases:
        async for doc in gen.col(base).find({}):
            found[(base, str(doc["_id"]))] = doc
    return found


def differing(a: dict[tuple[str, str], Any], b: dict[tuple[str, str], Any]) -> int:
    """Documents present in one only, or different."""
    return sum(1 for key in a.keys() | b.keys() if a.get(key) != b.get(key))


REAL = "analytics' projections (analytics.bootstrap.projections)"


__all__ = [
    "REAL",
    "REGISTRY",
    "STAND_IN",
    "AnswerCounters",
    "differing",
    "documents",
    "history",
    "produce",
    "produce_history",
]
