"""Topic replication settings (`ORGA_TOPIC_REPLICATION_FACTOR`, `ORGA_TOPIC_MIN_INSYNC_REPLICAS`)
against real brokers: the shared single broker (1 and 1, the local default) and a private
three-broker KRaft cluster (3 and 2, production: docs/benchmarks.md, G6), where `acks=all`
writes keep working with one broker lost and are refused with two lost."""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from pydantic import ValidationError

from orga_shared.config import ServiceSettings
from orga_shared.events import DomainEvent, Envelope
from orga_shared.messaging.producer import make_producer
from orga_shared.messaging.topics import (
    Replication,
    compacted,
    dlq,
    ensure_topics,
    history,
    platform_topics,
)
from orga_shared.runtime import ServiceRuntime
from orga_shared.testing.fixtures import eventually
from orga_shared.testing.infra import REPO_ROOT, Infra
from orga_shared.testing.sample_events import CounterIncremented, registry

sys.path.insert(0, str(REPO_ROOT))  # bench/ is a folder of the repository, not an installed package
from bench.cluster import KafkaCluster

pytestmark = pytest.mark.integration


async def describe(bootstrap: str, topics: list[str]) -> dict[str, dict[str, Any]]:
    """topic -> {"replicas": [per-partition replica count], "min.insync.replicas": "..."}"""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
        responses = await admin.describe_configs(
            [
                ConfigResource(ConfigResourceType.TOPIC, t, {"min.insync.replicas": None})
                for t in topics
            ]
        )
    finally:
        await admin.close()
    found: dict[str, dict[str, Any]] = {
        d["topic"]: {"replicas": [len(p["replicas"]) for p in d["partitions"]]} for d in described
    }
    for response in responses:
        for _code, _msg, _type, name, entries in response.resources:
            for entry in entries:
                if entry[0] == "min.insync.replicas":
                    found[name]["min.insync.replicas"] = entry[1]
    return found


def test_settings_read_the_shared_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = ServiceSettings()
    assert (settings.topic_replication_factor, settings.topic_min_insync_replicas) == (1, 1)
    monkeypatch.setenv("ORGA_TOPIC_REPLICATION_FACTOR", "3")
    monkeypatch.setenv("ORGA_TOPIC_MIN_INSYNC_REPLICAS", "2")
    assert Replication.of(ServiceSettings()) == Replication(3, 2)
    monkeypatch.setenv("ORGA_TOPIC_REPLICATION_FACTOR", "1")
    with pytest.raises(ValidationError, match="ORGA_TOPIC_MIN_INSYNC_REPLICAS"):
        ServiceSettings()
    with pytest.raises(ValueError, match=r"min\.insync\.replicas"):
        Replication(1, 2)


async def test_single_broker_topics_are_created_with_one_copy(infra: Infra) -> None:
    name = f"test.replication.{uuid.uuid4().hex[:10]}"
    specs = [history(name, 2), compacted(f"{name}.profiles", 1)]
    await ensure_topics(infra.kafka_bootstrap, specs)
    found = await describe(infra.kafka_bootstrap, [s.name for s in specs])
    assert found[name] == {"replicas": [1, 1], "min.insync.replicas": "1"}
    assert found[f"{name}.profiles"] == {"replicas": [1], "min.insync.replicas": "1"}


@pytest.fixture(scope="module")
async def cluster() -> AsyncIterator[KafkaCluster]:
    async with KafkaCluster(heap="384m") as running:
        yield running


async def test_production_replication_survives_one_broker_not_two(
    cluster: KafkaCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORGA_TOPIC_REPLICATION_FACTOR", "3")
    monkeypatch.setenv("ORGA_TOPIC_MIN_INSYNC_REPLICAS", "2")
    specs = platform_topics(3, Replication.of(ServiceSettings()))
    created = await ensure_topics(cluster.bootstrap, specs)
    assert sorted(created) == sorted(s.name for s in specs)
    await cluster.wait_in_sync(created)  # every partition has its leader and its 3 copies
    found = await describe(cluster.bootstrap, created)
    for spec in specs:
        assert found[spec.name] == {
            "replicas": [3] * spec.partitions,
            "min.insync.replicas": "2",
        }, spec.name

    topic = "campaign.events"
    producer = make_producer(cluster.bootstrap, "test-replication", request_timeout_ms=5000)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"before", partition=0)
        leader = await cluster.leader_of(topic, 0)
        cluster.kill(leader)
        await producer.send_and_wait(topic, b"one broker lost", partition=0)
        assert await cluster.leader_of(topic, 0) not in (leader, -1)
    finally:
        await producer.stop()
    cluster.restart(leader)
    await cluster.wait_healthy()
    await cluster.wait_in_sync(created)


async def test_a_write_with_fewer_copies_than_min_insync_waits_for_them(
    cluster: KafkaCluster,
) -> None:
    """Two copies, both required: with one of them lost, `acks=all` does not acknowledge the
    write (the broker answers NOT_ENOUGH_REPLICAS, the producer retries) until the lost copy is
    back. Losing two of three brokers would also lose the controller quorum, so a topic of two
    copies is how min.insync.replicas is seen at work."""
    spec = history(f"strict.{uuid.uuid4().hex[:8]}", 1, Replication(2, 2))
    await ensure_topics(cluster.bootstrap, [spec])
    await cluster.wait_in_sync([spec.name])
    producer = make_producer(cluster.bootstrap, "test-strict", request_timeout_ms=5000)
    await producer.start()
    leader = await cluster.leader_of(spec.name, 0)
    try:
        await producer.send_and_wait(spec.name, b"both copies", partition=0)
        cluster.kill(leader)
        pending = await producer.send(spec.name, b"one copy", partition=0)
        done, _ = await asyncio.wait({pending}, timeout=20)
        assert not done, "acknowledged with one copy of two required"
        cluster.restart(leader)
        acknowledged = await asyncio.wait_for(pending, timeout=120)
        assert acknowledged.offset == 1
    finally:
        await producer.stop()
        if leader not in cluster.running():
            cluster.restart(leader)
    await cluster.wait_healthy()


async def test_a_service_runtime_consumes_through_a_bootstrap_list(
    cluster: KafkaCluster, db: Any, infra: Infra
) -> None:
    """Regression (found by G6): `ORGA_KAFKA_BOOTSTRAP=h1:p1,h2:p2,h3:p3` was handed to
    FastStream as one string, read as one host, and every consuming service failed to start."""
    topic = f"runtime.{uuid.uuid4().hex[:8]}"
    replicated = Replication(3, 2)
    await ensure_topics(
        cluster.bootstrap, [history(topic, 1, replicated), history(dlq(topic), 1, replicated)]
    )
    await cluster.wait_in_sync([topic])
    settings = ServiceSettings.model_validate(
        {
            "service_name": "kernel-test",
            "database": db.name,
            "ORGA_KAFKA_BOOTSTRAP": cluster.bootstrap,
            "ORGA_MONGO_URL": infra.mongo_url,
        }
    )
    assert settings.kafka_bootstrap_servers == cluster.bootstrap.split(",")
    runtime = ServiceRuntime(settings, topic=None, registry=registry)
    seen: list[DomainEvent] = []

    async def handler(envelope: Envelope, event: DomainEvent) -> None:
        seen.append(event)

    runtime.subscribe(name="probe", topics=[topic], handler=handler, group_id=f"g-{uuid.uuid4()}")
    await runtime.start()
    try:
        event = CounterIncremented(counter_id="c-1", by=2, reason="cluster")
        envelope = Envelope(
            event_id=str(uuid.uuid4()),
            event_type=event.event_type,
            schema_version=event.schema_version,
            stream_id="c-1",
            stream_version=1,
            producer="test",
            correlation_id=str(uuid.uuid4()),
            payload=event.model_dump(mode="json"),
        )
        await runtime.producer.send_and_wait(topic, envelope.to_json_bytes(), key=b"c-1")

        async def consumed() -> bool:
            return bool(seen)

        assert await eventually(consumed, timeout=60)
        assert seen == [event]
    finally:
        await runtime.stop()
