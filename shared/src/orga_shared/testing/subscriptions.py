"""A kernel subscription on the real Kafka for tests: `EventSubscription` attached to its own
FastStream broker, with its own producer for the dead-letter topic."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from faststream.kafka import KafkaBroker

from orga_shared.events.registry import EventRegistry
from orga_shared.messaging.consumer import EventSubscription, Handler
from orga_shared.messaging.producer import make_producer
from orga_shared.testing.infra import Infra
from orga_shared.testing.sample_events import registry as sample_registry


@asynccontextmanager
async def consuming(
    infra: Infra,
    db: Any,
    topic: str,
    handler: Handler,
    *,
    group: str | None = None,
    registry: EventRegistry = sample_registry,
    max_attempts: int = 3,
    backoff_seconds: float = 0.01,
    max_backoff_seconds: float = 5.0,
) -> AsyncIterator[EventSubscription]:
    """Consume `topic` in `group` (a fresh one by default) until the block ends."""
    group = group or f"test-{uuid.uuid4().hex[:8]}"
    producer = make_producer(infra.kafka_bootstrap, f"dlq-{group}")
    await producer.start()
    broker = KafkaBroker(infra.kafka_bootstrap, graceful_timeout=10)
    sub = EventSubscription(
        name=group,
        topics=[topic],
        group_id=group,
        handler=handler,
        registry=registry,
        processed=db["processed_events"],
        dlq_producer=producer,
        max_attempts=max_attempts,
        backoff_seconds=backoff_seconds,
        max_backoff_seconds=max_backoff_seconds,
    )
    sub.attach(broker)
    await broker.start()
    try:
        yield sub
    finally:
        await broker.stop()
        await producer.stop()
