"""What the projector and replay tests share: a small idempotent test projection (answers
counted per campaign, guarded by each record's offset), events to produce, a snapshot of a
generation's documents, and — run as a script — the projector in a process a test can SIGKILL.

    python fixtures_replay.py --bootstrap B --topic T --mongo URL --db D --gen g1 --group G
"""

from __future__ import annotations

import argparse
import asyncio
import random
import uuid
from collections import Counter
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from pymongo import AsyncMongoClient
from pymongo.errors import DuplicateKeyError

from analytics.adapters.projector import Projector
from analytics.application.projection import Generation, Record
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.events.registry import EventRegistry
from orga_shared.messaging.producer import make_producer

REGISTRY = EventRegistry()
COLLECTIONS = ("counters", "answers")


@REGISTRY.register
class SampleAnswer(DomainEvent):
    event_type = "test.answer-recorded"
    schema_version = 1

    campaign_id: str
    participant_id: str
    score: int


@REGISTRY.register
class SampleIgnored(DomainEvent):
    """A type no projection wants: skipped, not applied."""

    event_type = "test.ignored"
    schema_version = 1


class CampaignCounter:
    """Answers and score per campaign, plus one document per answer. The counter's `$inc` is
    guarded by the last offset applied from the record's partition, so a redelivered record
    changes nothing (the duplicate key of the upsert means: applied already)."""

    event_types = frozenset({SampleAnswer.event_type})

    async def ensure_indexes(self, gen: Generation) -> None:
        await gen.col("answers").create_index("campaign_id")

    async def apply(self, gen: Generation, record: Record) -> None:
        event = record.event
        assert isinstance(event, SampleAnswer)
        position = f"pos.{record.tp.replace('.', '_')}"
        try:
            await gen.col("counters").update_one(
                {"_id": event.campaign_id, position: {"$not": {"$gte": record.offset}}},
                {"$inc": {"answers": 1, "score": event.score}, "$set": {position: record.offset}},
                upsert=True,
            )
        except DuplicateKeyError:
            pass
        await gen.col("answers").replace_one(
            {"_id": record.envelope.event_id},
            {
                "campaign_id": event.campaign_id,
                "participant_id": event.participant_id,
                "score": event.score,
                "at": record.envelope.occurred_at,
            },
            upsert=True,
        )


def answer(campaign: str, participant: str, score: int, version: int = 1) -> Envelope:
    event = SampleAnswer(campaign_id=campaign, participant_id=participant, score=score)
    return envelope(event, f"participant-{participant}", version)


def envelope(event: DomainEvent, stream: str, version: int = 1) -> Envelope:
    return Envelope(
        event_type=event.event_type,
        schema_version=event.schema_version,
        stream_id=stream,
        stream_version=version,
        producer="test",
        correlation_id=str(uuid.uuid4()),
        payload=event.model_dump(mode="json"),
    )


async def produce(
    bootstrap: str,
    topic: str,
    values: list[tuple[str, bytes]],
    timestamp_ms: int | None = None,
) -> None:
    """Send (key, value) pairs and wait for every acknowledgement."""
    producer = make_producer(bootstrap, "test-replay")
    await producer.start()
    try:
        futures = [
            await producer.send(topic, value=v, key=k.encode(), timestamp_ms=timestamp_ms)
            for k, v in values
        ]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


def answers(
    n: int, campaigns: int = 5, seed: int = 3
) -> tuple[list[tuple[str, bytes]], Counter[str]]:
    """`n` answers of 3 participants per campaign; the expected count per campaign."""
    rng = random.Random(seed)
    out: list[tuple[str, bytes]] = []
    expected: Counter[str] = Counter()
    versions: Counter[str] = Counter()
    for _ in range(n):
        campaign = f"campaign-{rng.randrange(campaigns)}"
        participant = f"{campaign}-p{rng.randrange(3)}"
        versions[participant] += 1
        env = answer(campaign, participant, rng.randrange(10), versions[participant])
        out.append((participant, env.to_json_bytes()))
        expected[campaign] += 1
    return out, expected


async def snapshot(gen: Generation) -> dict[str, list[dict[str, Any]]]:
    """Every document of the test projection's collections, sorted by `_id`."""
    out: dict[str, list[dict[str, Any]]] = {}
    for base in COLLECTIONS:
        docs = [doc async for doc in gen.col(base).find({})]
        out[base] = sorted(docs, key=lambda d: str(d["_id"]))
    return out


async def counts(gen: Generation) -> dict[str, int]:
    return {str(d["_id"]): int(d["answers"]) async for d in gen.col("counters").find({})}


async def committed(bootstrap: str, group: str, topic: str) -> int:
    """Sum of the group's committed offsets on the topic (0 where none)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        total = 0
        for p in consumer.partitions_for_topic(topic) or ():
            total += await consumer.committed(TopicPartition(topic, p)) or 0
        return total
    finally:
        await consumer.stop()


async def _child(args: argparse.Namespace) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(args.mongo, tz_aware=True)
    if args.real:
        from analytics.bootstrap import projections
        from analytics.config import Settings
        from orga_shared.events.registry import EVENTS

        chosen, registry = projections(Settings()), EVENTS
    else:
        chosen, registry = [CampaignCounter()], REGISTRY
    try:
        projector = Projector(
            args.bootstrap,
            [args.topic],
            args.group,
            chosen,
            Generation(client[args.db], args.gen),
            registry=registry,
            batch_size=args.batch_size,
            consumer_options={"session_timeout_ms": 6000, "heartbeat_interval_ms": 1000},
        )
        progress = await projector.run_until_caught_up()
        print(f"applied {progress.applied}", flush=True)
    finally:
        await client.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    for name in ("bootstrap", "topic", "mongo", "db", "gen", "group"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--real", action="store_true", help="analytics' own projections")
    asyncio.run(_child(parser.parse_args()))
