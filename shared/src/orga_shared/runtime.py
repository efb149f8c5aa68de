"""Wiring shared by every service: database, producer, event store, outbox relay, consumers.

One `ServiceRuntime` per process; the HTTP app's lifespan starts and stops it. Shutdown is
graceful and bounded (pitfall 5): consumers stop taking messages, in-flight handlers finish and
commit within `shutdown_timeout_seconds`, then the relay and the producer flush.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable
from datetime import timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.config import ServiceSettings
from orga_shared.events.registry import EVENTS, EventRegistry
from orga_shared.eventstore.store import EventStore
from orga_shared.messaging.consumer import EventSubscription, Handler
from orga_shared.messaging.outbox import OutboxPublisher, OutboxRelay
from orga_shared.messaging.producer import make_producer
from orga_shared.observability import get_logger

log = get_logger(__name__)


class ServiceRuntime:
    def __init__(
        self,
        settings: ServiceSettings,
        *,
        topic: str | None = None,
        registry: EventRegistry = EVENTS,
        publishes: Iterable[str] | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        self.publishes = tuple(publishes) if publishes is not None else None
        """Event types written on `topic`, for the AsyncAPI document; by default those of
        `orga_shared.contracts.<service>` (`orga_shared.messaging.asyncapi.produced`)."""
        self.client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
            settings.mongo_url, tz_aware=True, serverSelectionTimeoutMS=settings.database_timeout_ms
        )
        self.db: AsyncDatabase[dict[str, Any]] = self.client[settings.database]
        self.publisher = OutboxPublisher(self.db["commits"])
        self.store: EventStore | None = None
        if topic is not None:
            self.store = EventStore(
                self.db,
                producer=settings.service_name,
                topic=topic,
                registry=registry,
                publisher=self.publisher,
            )
        self.relay = OutboxRelay(
            self.publisher, grace=timedelta(seconds=settings.outbox_relay_grace_seconds)
        )
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,  # a list: FastStream reads a string as one host
            graceful_timeout=settings.shutdown_timeout_seconds,
            client_id=f"{settings.service_name}-consumer",
        )
        self.subscriptions: list[EventSubscription] = []
        self._background: list[asyncio.Task[None]] = []
        self.started = False

    def subscribe(
        self,
        *,
        name: str,
        topics: Iterable[str],
        handler: Handler,
        event_types: Iterable[str] | None = None,
        group_id: str | None = None,
    ) -> EventSubscription:
        """Declare a consumer; call before `start()`. Group defaults to `<service>.<name>`."""
        sub = EventSubscription(
            name=name,
            topics=topics,
            group_id=group_id or f"{self.settings.service_name}.{name}",
            handler=handler,
            registry=self.registry,
            processed=self.db["processed_events"],
            dlq_producer=None,
            event_types=event_types,
            max_attempts=self.settings.consumer_max_attempts,
            backoff_seconds=self.settings.consumer_backoff_seconds,
        )
        sub.attach(self.broker)
        self.subscriptions.append(sub)
        return sub

    @property
    def producer(self) -> AIOKafkaProducer:
        return self.publisher.producer

    async def start(self) -> None:
        acks: dict[str, object] = {}
        if self.settings.kafka_acks != "all":  # measured only (bench G10): never deployed
            acks = {"acks": int(self.settings.kafka_acks), "enable_idempotence": False}
        producer = make_producer(self.settings.kafka_bootstrap, self.settings.service_name, **acks)
        await producer.start()
        self.publisher.bind(producer)
        for sub in self.subscriptions:
            sub.dlq_producer = producer
        if self.store is not None:
            await self.store.ensure_indexes()
            self.run_periodically(
                "outbox_relay", self.relay.drain, self.settings.outbox_relay_interval_seconds
            )
        if self.subscriptions:
            await self.broker.start()
        self.started = True
        log.info("runtime_started", consumers=[s.name for s in self.subscriptions])

    def run_periodically(
        self, name: str, job: Callable[[], Awaitable[object]], interval: float
    ) -> None:
        """Run `job` every `interval` seconds until `stop()`; a failing run is logged, and the
        next one tries again (relays that republish what a crash or an outage left behind)."""

        async def loop() -> None:
            while True:
                try:
                    await job()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    log.warning("periodic_job_failed", job=name, error=str(exc))
                await asyncio.sleep(interval)

        self._background.append(asyncio.create_task(loop(), name=name))

    async def stop(self) -> None:
        if self.subscriptions:
            await self.broker.stop()
        for task in self._background:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._background = []
        await self.producer.stop()
        await self.client.close()
        self.started = False
        log.info("runtime_stopped")

    async def ready(self) -> dict[str, str]:
        """Readiness: the database answers a ping and the broker answers a metadata request."""
        checks: dict[str, str] = {}
        try:
            await asyncio.wait_for(self.db.command("ping"), 3.0)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"error: {type(exc).__name__}"
        try:
            ok = await asyncio.wait_for(self.producer.client.fetch_all_metadata(), 3.0)
            checks["broker"] = "ok" if ok is not None else "error: no metadata"
        except Exception as exc:
            checks["broker"] = f"error: {type(exc).__name__}"
        return checks

    def live(self) -> dict[str, Any]:
        """Liveness follows consumer progress, not only 'process is up' (pitfall 6)."""
        stall = self.settings.liveness_stall_seconds
        consumers = {
            s.name: {
                "processed": s.progress.processed,
                "dead_lettered": s.progress.dead_lettered,
                "stalled": s.progress.stalled(stall),
            }
            for s in self.subscriptions
        }
        ok = self.started and not any(c["stalled"] for c in consumers.values())
        if self.subscriptions and self.started:
            ok = ok and bool(getattr(self.broker, "running", True))
        return {"ok": ok, "consumers": consumers}
