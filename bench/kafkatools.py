"""Fresh topics per measurement, and what a topic holds afterwards (counts, event ids)."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from bench.harness import unique_name
from orga_shared.messaging.topics import TopicSpec, ensure_topics, history


@asynccontextmanager
async def fresh_topic(
    bootstrap: str, prefix: str, partitions: int, *, replication: int = 1
) -> AsyncIterator[str]:
    """A history topic (the platform's settings) created for one measurement, deleted after."""
    async with created(bootstrap, history(unique_name(prefix), partitions), replication) as name:
        yield name


@asynccontextmanager
async def created(bootstrap: str, spec: TopicSpec, replication: int = 1) -> AsyncIterator[str]:
    """`spec` created (the kernel's `ensure_topics`, whose topics have one replica; with
    `replication` > 1, on a cluster, that many replicas), its leaders elected; deleted after."""
    if replication == 1:
        await ensure_topics(bootstrap, [spec])
    else:
        async with admin_client(bootstrap) as admin:
            await admin.create_topics(
                [NewTopic(spec.name, spec.partitions, replication, topic_configs=spec.configs)]
            )
    await _wait_leaders(bootstrap, spec.name)
    try:
        yield spec.name
    finally:
        await delete_topic(bootstrap, spec.name)


async def delete_topic(bootstrap: str, name: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        await admin.start()
        await admin.delete_topics([name])
    except Exception as exc:  # cleanup must not hide the figure
        print(f"warning: could not delete topic {name}: {exc}")
    finally:
        await admin.close()


@asynccontextmanager
async def reader(bootstrap: str, topic: str) -> AsyncIterator[AIOKafkaConsumer]:
    """A group-less consumer assigned every partition, at the beginning."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=4 * 2**20,
        fetch_max_bytes=32 * 2**20,
    )
    await consumer.start()
    try:
        parts = await _partitions(bootstrap, topic)
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        yield consumer
    finally:
        await consumer.stop()


@asynccontextmanager
async def admin_client(bootstrap: str) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30000)
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


async def _describe(bootstrap: str, topic: str) -> dict[str, Any]:
    async with admin_client(bootstrap) as admin:
        (described,) = await admin.describe_topics([topic])
    return dict(described)


async def _wait_leaders(bootstrap: str, topic: str, timeout: float = 30.0) -> None:
    """A new topic's partitions elect leaders a moment after creation; produce after that."""
    deadline = time.monotonic() + timeout
    while True:
        described = await _describe(bootstrap, topic)
        parts = described.get("partitions") or []
        if not described.get("error_code") and parts and all(p["leader"] >= 0 for p in parts):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"topic {topic} has no leader for every partition")
        await asyncio.sleep(0.2)


async def _partitions(bootstrap: str, topic: str) -> list[TopicPartition]:
    described = await _describe(bootstrap, topic)
    if described.get("error_code"):
        raise LookupError(f"topic {topic}: error {described['error_code']}")
    return [TopicPartition(topic, p["partition"]) for p in described["partitions"]]


async def message_count(bootstrap: str, topic: str) -> int:
    async with reader(bootstrap, topic) as consumer:
        ends = await consumer.end_offsets(list(consumer.assignment()))
        starts = await consumer.beginning_offsets(list(consumer.assignment()))
        return sum(ends[tp] - starts[tp] for tp in ends)


async def consume(
    bootstrap: str, topic: str, handle: Callable[[Any], None], *, timeout: float = 120.0
) -> tuple[int, float]:
    """Read everything up to the end offsets seen at the start; (messages, seconds spent)."""
    async with reader(bootstrap, topic) as consumer:
        parts = list(consumer.assignment())
        ends = await consumer.end_offsets(parts)
        starts = await consumer.beginning_offsets(parts)
        expected = sum(ends[tp] - starts[tp] for tp in parts)
        seen = 0
        started = time.perf_counter()
        deadline = time.monotonic() + timeout
        while seen < expected:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}: read {seen} of {expected} messages in {timeout} s")
            batches = await consumer.getmany(timeout_ms=1000, max_records=10_000)
            for records in batches.values():
                for record in records:
                    handle(record)
                seen += len(records)
        return seen, time.perf_counter() - started


async def event_ids(bootstrap: str, topic: str) -> list[str]:
    """The `event_id` header of every message on the topic, repeats included."""
    ids: list[str] = []

    def keep(record: Any) -> None:
        ids.append(dict(record.headers)["event_id"].decode())

    await consume(bootstrap, topic, keep)
    return ids


async def count_event_types(
    bootstrap: str, topic: str, ranges: dict[int, tuple[int, int]], *, timeout: float = 120.0
) -> Counter[str]:
    """The `event_type` headers of the records in `[start, end)` of each partition."""
    counts: Counter[str] = Counter()
    wanted = {p: (a, b) for p, (a, b) in ranges.items() if b > a}
    if not wanted:
        return counts
    async with reader(bootstrap, topic) as consumer:
        parts = [TopicPartition(topic, p) for p in wanted]
        consumer.assign(parts)
        for tp in parts:
            consumer.seek(tp, wanted[tp.partition][0])
        left = set(parts)
        deadline = time.monotonic() + timeout
        while left:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{topic}: ranges {wanted} not read within {timeout} s")
            batches = await consumer.getmany(*left, timeout_ms=1000, max_records=10_000)
            for tp, records in batches.items():
                end = wanted[tp.partition][1]
                for record in records:
                    if record.offset < end:
                        counts[dict(record.headers).get("event_type", b"?").decode()] += 1
                if records and records[-1].offset >= end - 1:
                    left.discard(tp)
    return counts


async def group_members(bootstrap: str, group: str) -> int:
    """Members of a consumer group that have partitions assigned."""
    async with admin_client(bootstrap) as admin:
        (described,) = await admin.describe_consumer_groups([group])
    groups = getattr(described, "groups", None) or []
    if not groups:
        return 0
    members = groups[0][5] if isinstance(groups[0], tuple) else groups[0]["members"]
    return len(members)
