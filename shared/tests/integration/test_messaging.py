"""Outbox, relay and consumer helper against the real Kafka and the real database."""

import asyncio
import signal
import sys
import textwrap
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest

from orga_shared.events import DomainEvent, Envelope
from orga_shared.eventstore import EventStore
from orga_shared.messaging.consumer import EventSubscription
from orga_shared.messaging.outbox import OutboxPublisher, OutboxRelay
from orga_shared.messaging.producer import make_producer
from orga_shared.messaging.topics import dlq
from orga_shared.testing.fixtures import eventually, read_topic
from orga_shared.testing.sample_events import (
    AlwaysFails,
    CounterIncremented,
    counter_envelope,
    registry,
)
from orga_shared.testing.subscriptions import consuming

pytestmark = pytest.mark.integration


class Counters:
    """A tiny projection: the sum of increments per counter, applied with $inc."""

    def __init__(self, db) -> None:
        self.coll = db["counters"]
        self.failures = 0

    async def handle(self, envelope: Envelope, event: DomainEvent) -> None:
        if isinstance(event, AlwaysFails):
            self.failures += 1
            raise RuntimeError(f"refus volontaire pour {event.counter_id}")
        assert isinstance(event, CounterIncremented)
        await self.coll.update_one(
            {"_id": event.counter_id},
            {"$inc": {"total": event.by, "applied": 1}, "$set": {"reason": event.reason}},
            upsert=True,
        )

    async def get(self, counter: str) -> dict:
        return await self.coll.find_one({"_id": counter}) or {"total": 0, "applied": 0}


@asynccontextmanager
async def store_on(infra, db, topic: str) -> AsyncIterator[EventStore]:
    producer = make_producer(infra.kafka_bootstrap, "test-writer")
    await producer.start()
    publisher = OutboxPublisher(db["commits"], producer)
    store = EventStore(db, producer="test", topic=topic, registry=registry, publisher=publisher)
    await store.ensure_indexes()
    try:
        yield store
    finally:
        await producer.stop()


CRASHING_WRITER = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from pymongo import AsyncMongoClient
    from orga_shared.eventstore import EventStore
    from orga_shared.testing.sample_events import CounterIncremented, registry

    class DiesBeforePublishing:
        async def publish(self, commit):
            os.kill(os.getpid(), signal.SIGKILL)

    async def main(url, database, topic, stream):
        db = AsyncMongoClient(url)[database]
        store = EventStore(db, producer="writer", topic=topic, registry=registry,
                           publisher=DiesBeforePublishing())
        await store.ensure_indexes()
        await store.append(stream, 0, [CounterIncremented(counter_id=stream, by=5, reason="crash")])

    asyncio.run(main(*sys.argv[1:]))
    """
)


async def test_commit_of_a_process_killed_before_publishing_is_relayed_and_applied_once(
    infra, db, new_topic
) -> None:
    topic = await new_topic()
    stream = f"counter-{uuid.uuid4()}"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CRASHING_WRITER,
        infra.mongo_url,
        db.name,
        topic,
        stream,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == -signal.SIGKILL, stderr.decode()
    assert await db["commits"].count_documents({"stream_id": stream, "published": False}) == 1
    assert await read_topic(infra.kafka_bootstrap, topic, 1, timeout=3) == []

    counters = Counters(db)
    async with consuming(infra, db, topic, counters.handle) as sub:
        producer = make_producer(infra.kafka_bootstrap, "relay")
        await producer.start()
        try:
            relay = OutboxRelay(OutboxPublisher(db["commits"], producer), grace=timedelta(0))
            assert await relay.drain() == 1
            assert await eventually(lambda: _applied(counters, stream, 1))
            # A relay that crashed after sending but before marking sends it again:
            await db["commits"].update_many({"stream_id": stream}, {"$set": {"published": False}})
            assert await relay.drain() == 1
            assert await eventually(lambda: _duplicates(sub, 1))
        finally:
            await producer.stop()
    assert await counters.get(stream) == {
        "_id": stream,
        "total": 5,
        "applied": 1,
        "reason": "crash",
    }
    assert await db["commits"].count_documents({"stream_id": stream, "published": True}) == 1
    assert len(await read_topic(infra.kafka_bootstrap, topic, 2)) == 2


async def _applied(counters: Counters, stream: str, n: int) -> bool:
    return (await counters.get(stream))["applied"] == n


async def _duplicates(sub: EventSubscription, n: int) -> bool:
    return sub.progress.duplicates == n


async def test_poison_message_is_dead_lettered_at_once_and_next_is_processed(
    infra, db, new_topic
) -> None:
    topic = await new_topic()
    stream = f"counter-{uuid.uuid4()}"
    counters = Counters(db)
    async with store_on(infra, db, topic) as store, consuming(infra, db, topic, counters.handle):
        await store.append(stream, 0, [AlwaysFails(counter_id=stream)])
        await store.append(stream, 1, [CounterIncremented(counter_id=stream, by=7, reason="ok")])
        assert await eventually(lambda: _applied(counters, stream, 1))
    assert counters.failures == 1  # a handler error is not retried (docs/adr/0020)
    [dead] = await read_topic(infra.kafka_bootstrap, dlq(topic), 1)
    headers = dict(dead.headers)
    assert Envelope.from_json_bytes(dead.value).event_type == "test.AlwaysFails"
    assert b"refus volontaire" in headers["dlq.error"]
    assert headers["dlq.attempts"] == b"1"
    assert headers["dlq.error_type"] == b"RuntimeError"
    assert (await counters.get(stream))["total"] == 7


async def test_same_event_delivered_twice_is_applied_once(infra, db, new_topic) -> None:
    topic = await new_topic()
    stream = f"counter-{uuid.uuid4()}"
    counters = Counters(db)
    envelope = counter_envelope(stream, {"counter_id": stream, "by": 3, "reason": "twice"})
    producer = make_producer(infra.kafka_bootstrap, "dup")
    await producer.start()
    try:
        for _ in range(2):
            await producer.send_and_wait(topic, envelope.to_json_bytes(), key=stream.encode())
    finally:
        await producer.stop()
    async with consuming(infra, db, topic, counters.handle) as sub:
        assert await eventually(lambda: _duplicates(sub, 1))
    assert await counters.get(stream) == {
        "_id": stream,
        "total": 3,
        "applied": 1,
        "reason": "twice",
    }


async def test_old_event_version_on_the_topic_reaches_the_handler_upcast(
    infra, db, new_topic
) -> None:
    topic = await new_topic()
    stream = f"counter-{uuid.uuid4()}"
    old = counter_envelope(stream, {"counter_id": stream, "by": 4}, schema_version=1)
    producer = make_producer(infra.kafka_bootstrap, "old")
    await producer.start()
    try:
        await producer.send_and_wait(topic, old.to_json_bytes(), key=stream.encode())
    finally:
        await producer.stop()
    counters = Counters(db)
    async with consuming(infra, db, topic, counters.handle):
        assert await eventually(lambda: _applied(counters, stream, 1))
    assert (await counters.get(stream))["reason"] == "inconnue"


async def test_undecodable_message_goes_to_the_dlq_without_blocking(infra, db, new_topic) -> None:
    topic = await new_topic(partitions=1)
    stream = f"counter-{uuid.uuid4()}"
    counters = Counters(db)
    producer = make_producer(infra.kafka_bootstrap, "garbage")
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"not json at all", key=b"k")
        good = counter_envelope(stream, {"counter_id": stream, "by": 1, "reason": "after garbage"})
        await producer.send_and_wait(topic, good.to_json_bytes(), key=b"k")
    finally:
        await producer.stop()
    async with consuming(infra, db, topic, counters.handle) as sub:
        assert await eventually(lambda: _applied(counters, stream, 1))
    assert sub.progress.dead_lettered == 1
    [dead] = await read_topic(infra.kafka_bootstrap, dlq(topic), 1)
    assert dead.value == b"not json at all"
