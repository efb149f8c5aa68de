"""Topic definitions and `python -m orga_shared.messaging.topics ensure`.

Event topics keep everything forever (they are the history); personal data lives only on
compacted per-subject topics (docs/design.md §2). The partition count is configuration and is
recorded with the topic: changing it later remaps keys (ENGINEERING pitfall 8).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError

from orga_shared.config import ServiceSettings

EVENT_TOPICS = ("identity.events", "organisation.events", "campaign.events", "assessment.events")
COMPACTED_TOPICS = (
    "identity.user-profiles",
    "organisation.learner-profiles",
    "assessment.participant-ids",
)


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    configs: dict[str, str] = field(default_factory=dict)


def history(name: str, partitions: int) -> TopicSpec:
    return TopicSpec(name, partitions, {"retention.ms": "-1", "retention.bytes": "-1"})


DAY_MS = 24 * 3600 * 1000
COMPACTED_CONFIGS = {
    "cleanup.policy": "compact",
    "min.compaction.lag.ms": "0",
    # an erased person's superseded records must leave the broker's disks within a bounded
    # delay (docs/adr/0022-erasure-and-compaction.md): the active segment rolls after a day,
    # a dirty record is compacted at most a day after it was written, and any dirty share is
    # worth a cleaning (these topics are small: one record per person)
    "segment.ms": str(DAY_MS),
    "max.compaction.lag.ms": str(DAY_MS),
    "min.cleanable.dirty.ratio": "0.01",
    # a tombstone stays a week, so a consumer stopped for less than that still sees it; one
    # stopped longer still learns the erasure from the id-only event in the history
    "delete.retention.ms": str(7 * DAY_MS),
}
PERSONAL_DLQ_RETENTION_MS = 14 * DAY_MS
"""A compacted topic's DLQ holds personal values too: it keeps them two weeks, not forever."""
NUDGE_KEY = b"~compaction-nudge"
"""The key of the no-op tombstone `nudge_compaction` writes (no person has this id)."""


def compacted(name: str, partitions: int) -> TopicSpec:
    return TopicSpec(name, partitions, dict(COMPACTED_CONFIGS))


def personal_dlq(topic: str) -> TopicSpec:
    """The DLQ of a compacted personal-data topic: bounded retention, never the history's."""
    retention = {"retention.ms": str(PERSONAL_DLQ_RETENTION_MS), "retention.bytes": "-1"}
    return TopicSpec(dlq(topic), 1, retention)


def dlq(topic: str) -> str:
    return f"{topic}.dlq"


def platform_topics(partitions: int) -> list[TopicSpec]:
    specs = [history(t, partitions) for t in EVENT_TOPICS]
    specs += [history(dlq(t), 1) for t in EVENT_TOPICS]
    specs += [compacted(t, partitions) for t in COMPACTED_TOPICS]
    specs += [personal_dlq(t) for t in COMPACTED_TOPICS]
    return specs


async def ensure_topics(bootstrap: str, specs: list[TopicSpec], wait: float = 60.0) -> list[str]:
    """Create the missing topics; wait for the broker to answer first. Returns created names."""
    deadline = time.monotonic() + wait
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
        try:
            await admin.start()
            existing = set(await admin.list_topics())
            missing = [s for s in specs if s.name not in existing]
            if missing:
                try:
                    await admin.create_topics(
                        [
                            NewTopic(s.name, s.partitions, 1, topic_configs=s.configs)
                            for s in missing
                        ]
                    )
                except TopicAlreadyExistsError:
                    pass
            return [s.name for s in missing]
        except (KafkaConnectionError, KafkaError, OSError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(1.0)
        finally:
            await admin.close()


async def align_personal_data_configs(bootstrap: str, specs: list[TopicSpec]) -> list[str]:
    """Give existing compacted topics (and their DLQs) the configs of their definitions: a
    topic created before the erasure delays were set gets them (ADR 22). Returns the names."""
    personal = [s for s in specs if s.configs.get("cleanup.policy") == "compact"]
    names = {s.name for s in personal}
    personal += [s for s in specs if s.name in {dlq(n) for n in names}]
    if not personal:
        return []
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        resources = [
            ConfigResource(ConfigResourceType.TOPIC, s.name, configs=s.configs)
            for s in personal
            if s.name in existing
        ]
        if resources:
            await admin.alter_configs(resources)
        return [r.name for r in resources]
    finally:
        await admin.close()


async def nudge_compaction(bootstrap: str, topics: list[str]) -> None:
    """Write a no-op tombstone (`NUDGE_KEY`) to every partition of `topics`.

    The log cleaner never touches a partition's active segment, and a segment rolls only when a
    record is appended after `segment.ms`: on a partition nobody writes to, an erased person's
    tombstone and the records it supersedes could wait there for ever. Run periodically (or
    after an erasure) it bounds the delay (ADR 22); consumers delete nothing for this key.
    """
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for topic in topics:
            for partition in sorted(await producer.partitions_for(topic)):
                await producer.send_and_wait(topic, None, key=NUDGE_KEY, partition=partition)
    finally:
        await producer.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create Orga's Kafka topics if missing")
    parser.add_argument("command", choices=["ensure", "list", "nudge-compaction"])
    parser.add_argument("--wait", type=float, default=60.0)
    args = parser.parse_args(argv)
    settings = ServiceSettings()
    specs = platform_topics(settings.topic_partitions)
    if args.command == "list":
        for s in specs:
            print(s.name, s.partitions, s.configs)
        return 0
    if args.command == "nudge-compaction":
        asyncio.run(nudge_compaction(settings.kafka_bootstrap, list(COMPACTED_TOPICS)))
        print(f"compaction nudged: {', '.join(COMPACTED_TOPICS)}")
        return 0
    created = asyncio.run(ensure_topics(settings.kafka_bootstrap, specs, args.wait))
    aligned = asyncio.run(align_personal_data_configs(settings.kafka_bootstrap, specs))
    print(f"topics: {len(specs)} defined, {len(created)} created, {len(aligned)} aligned")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
