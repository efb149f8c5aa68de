"""The personal-data topics' cleaner settings reach an existing topic, and the compaction
nudge writes the no-op tombstone every partition needs to roll
(docs/adr/0022-erasure-and-compaction.md)."""

from __future__ import annotations

import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from orga_shared.messaging.topics import (
    COMPACTED_CONFIGS,
    NUDGE_KEY,
    PERSONAL_DLQ_RETENTION_MS,
    TopicSpec,
    align_personal_data_configs,
    compacted,
    dlq,
    ensure_topics,
    nudge_compaction,
    personal_dlq,
)
from orga_shared.testing.fixtures import read_topic

pytestmark = pytest.mark.integration


async def configs(bootstrap: str, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        resource = ConfigResource(ConfigResourceType.TOPIC, topic)
        [response] = await admin.describe_configs([resource])
    finally:
        await admin.close()
    [(_, _, _, _, entries)] = response.resources
    return {name: value for name, value, *_ in entries}


async def test_an_existing_personal_topic_gets_the_erasure_delays(infra) -> None:
    name = f"test.profiles.{uuid.uuid4().hex[:10]}"
    old = {"cleanup.policy": "compact", "min.compaction.lag.ms": "0"}  # before ADR 22
    await ensure_topics(infra.kafka_bootstrap, [TopicSpec(name, 2, old), TopicSpec(dlq(name), 1)])
    assert (await configs(infra.kafka_bootstrap, name))["max.compaction.lag.ms"] != (
        COMPACTED_CONFIGS["max.compaction.lag.ms"]
    )

    specs = [compacted(name, 2), personal_dlq(name)]
    aligned = await align_personal_data_configs(infra.kafka_bootstrap, specs)

    assert sorted(aligned) == sorted([name, dlq(name)])
    now = await configs(infra.kafka_bootstrap, name)
    assert {k: now[k] for k in COMPACTED_CONFIGS} == COMPACTED_CONFIGS
    dead = await configs(infra.kafka_bootstrap, dlq(name))
    assert dead["retention.ms"] == str(PERSONAL_DLQ_RETENTION_MS)

    await nudge_compaction(infra.kafka_bootstrap, [name])
    records = await read_topic(infra.kafka_bootstrap, name, 2)
    assert sorted(r.partition for r in records) == [0, 1]
    assert all(r.key == NUDGE_KEY and r.value is None for r in records)
