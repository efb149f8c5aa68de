"""Consumer helper on FastStream: the one way every service subscribes (docs/design.md §3).

- ack policy set explicitly: the offset is committed only after the message was handled,
  dead-lettered or recognised as a duplicate; an infrastructure failure nacks (seek back);
- a failure is classified (docs/adr/0020-dead-letters-and-replay.md): an error the same bytes
  would raise again (undecodable, unknown version, a handler bug) goes to `<topic>.dlq` at once,
  carrying the error, and the consumer goes on; an infrastructure error (database, Kafka,
  network, timeout) is retried with backoff, then nacked, and is never dead-lettered;
- idempotency by event id in a `processed_events` collection (handlers are idempotent too); a
  dead letter replayed by `python -m orga_shared.messaging.dlq replay` is applied by the groups
  that dead-lettered it and stays a duplicate for the groups that applied it;
- the log context carries correlation id, event id and type;
- progress is recorded for the liveness probe (a consumer stuck in a handler is not alive).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import structlog
from aiokafka import AIOKafkaProducer, ConsumerRecord
from aiokafka.errors import KafkaError
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from pydantic import ValidationError
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import (
    ConnectionFailure,
    DuplicateKeyError,
    ExecutionTimeout,
    OperationFailure,
    PyMongoError,
    WriteConcernError,
)

from orga_shared.clock import utcnow
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.events.registry import EventRegistry, UnknownEventType
from orga_shared.messaging.topics import dlq
from orga_shared.observability import get_logger

log = get_logger(__name__)
Handler = Callable[[Envelope, DomainEvent], Awaitable[None]]

DLQ_HEADER_PREFIX = "dlq."
REPLAYED_FROM = "dlq.replayed-from"
"""Header a replayed dead letter carries: `<dlq topic>:<partition>:<offset>` it came from."""

# Server error codes of a primary stepping down, a shutdown or a network hiccup: the same
# write succeeds later (MongoDB's `RetryableWriteError` codes, plus lock and timeout ones).
TRANSIENT_CODES = frozenset(
    {6, 7, 24, 46, 50, 89, 91, 112, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436}
)


def is_infrastructure_error(exc: BaseException) -> bool:
    """True when retrying the same message later can succeed: the database, the broker or the
    network failed, not the message (docs/adr/0020-dead-letters-and-replay.md)."""
    if isinstance(exc, ConnectionFailure | ExecutionTimeout | WriteConcernError):
        return True  # AutoReconnect, NetworkTimeout, ServerSelectionTimeoutError, pool waits
    if isinstance(exc, PyMongoError):
        labelled = exc.has_error_label("RetryableWriteError") or exc.has_error_label(
            "TransientTransactionError"
        )
        return labelled or (isinstance(exc, OperationFailure) and exc.code in TRANSIENT_CODES)
    if isinstance(exc, KafkaError):
        return True
    return isinstance(exc, OSError | TimeoutError)


@dataclass
class ConsumerProgress:
    """What the liveness probe reads: a handler running for too long means a stuck consumer."""

    name: str
    processed: int = 0
    duplicates: int = 0
    dead_lettered: int = 0
    retries: int = 0
    infrastructure_errors: int = 0
    replayed: int = 0
    last_progress: float = field(default_factory=time.monotonic)
    in_flight_since: float | None = None

    def stalled(self, after_seconds: float) -> bool:
        return (
            self.in_flight_since is not None
            and time.monotonic() - self.in_flight_since > after_seconds
        )


@dataclass(frozen=True)
class Delivery:
    value: bytes
    topic: str
    partition: int
    offset: int
    key: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()

    @property
    def replayed_from(self) -> str | None:
        for name, value in self.headers:
            if name == REPLAYED_FROM:
                return value.decode(errors="replace")
        return None


class EventSubscription:
    def __init__(
        self,
        *,
        name: str,
        topics: Iterable[str],
        group_id: str,
        handler: Handler,
        registry: EventRegistry,
        processed: AsyncCollection[dict[str, Any]],
        dlq_producer: AIOKafkaProducer | None,
        event_types: Iterable[str] | None = None,
        max_attempts: int = 5,
        backoff_seconds: float = 0.2,
        max_backoff_seconds: float = 5.0,
    ) -> None:
        self.name = name
        self.topics = tuple(topics)
        self.group_id = group_id
        self.handler = handler
        self.registry = registry
        self.processed = processed
        self.dlq_producer = dlq_producer
        self.event_types = frozenset(event_types) if event_types is not None else None
        self.max_attempts = max_attempts
        self.backoff = backoff_seconds
        self.max_backoff = max_backoff_seconds
        self.progress = ConsumerProgress(name)
        self.title = f"{name}:{','.join(self.topics)}"
        """Its channel in the AsyncAPI document (`orga_shared.messaging.asyncapi`)."""

    def attach(self, broker: KafkaBroker, *, max_poll_interval_ms: int = 300_000) -> Any:
        """Register on a FastStream broker with an explicit ack policy (pitfall 1).

        The handler takes the raw message: FastStream neither parses nor validates a body, so
        bytes that are no envelope reach `process` and the dead-letter topic unchanged. The
        payload schemas of the AsyncAPI document are added to the document only
        (`orga_shared.messaging.asyncapi`)."""
        subscriber = broker.subscriber(
            *self.topics,
            group_id=self.group_id,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset="earliest",
            max_poll_interval_ms=max_poll_interval_ms,
            title=self.title,
        )

        async def on_message(body: Any, msg: KafkaMessage) -> None:
            rec: ConsumerRecord[bytes, bytes] = msg.raw_message
            delivery = Delivery(
                value=msg.body,
                topic=rec.topic,
                partition=rec.partition,
                offset=rec.offset,
                key=rec.key,
                headers=tuple(rec.headers or ()),
            )
            try:
                await self.process(delivery)
            except Exception:
                # Infrastructure failure (database or DLQ down): nack re-reads the message;
                # pause first so it does not become a hot loop (pitfall 3).
                await asyncio.sleep(self.max_backoff)
                raise

        subscriber(on_message)
        return subscriber

    async def process(self, delivery: Delivery) -> str:
        """Handle one delivery; returns 'applied', 'duplicate', 'ignored' or 'dead_lettered'."""
        self.progress.in_flight_since = time.monotonic()
        try:
            return await self._process(delivery)
        finally:
            self.progress.in_flight_since = None
            self.progress.last_progress = time.monotonic()

    async def _process(self, delivery: Delivery) -> str:
        try:
            envelope = Envelope.from_json_bytes(delivery.value)
        except ValidationError as exc:
            await self._dead_letter(delivery, exc, attempts=1, event_id=None)
            return "dead_lettered"
        if self.event_types is not None and envelope.event_type not in self.event_types:
            return "ignored"
        key = f"{self.group_id}|{envelope.event_id}"
        replayed = delivery.replayed_from is not None
        seen = await self.processed.find_one({"_id": key}, projection={"outcome": 1})
        if seen is not None and not (replayed and seen.get("outcome") == "dead_lettered"):
            self.progress.duplicates += 1
            return "duplicate"
        with structlog.contextvars.bound_contextvars(
            correlation_id=envelope.correlation_id,
            causation_id=envelope.event_id,
            event_id=envelope.event_id,
            event_type=envelope.event_type,
            consumer=self.name,
        ):
            try:
                event = self.registry.decode(envelope)
            except (UnknownEventType, ValidationError) as exc:
                await self._dead_letter(delivery, exc, attempts=1, event_id=envelope.event_id)
                return "dead_lettered"
            for attempt in range(1, self.max_attempts + 1):
                try:
                    await self.handler(envelope, event)
                    break
                except Exception as exc:
                    if not is_infrastructure_error(exc):
                        # The same bytes fail the same way: retrying only blocks the partition.
                        log.error("handler_failed", attempts=attempt, error=repr(exc))
                        await self._dead_letter(delivery, exc, attempt, envelope.event_id)
                        return "dead_lettered"
                    self.progress.infrastructure_errors += 1
                    if attempt == self.max_attempts:
                        raise  # nacked by `attach`: re-read after a pause, never dead-lettered
                    self.progress.retries += 1
                    delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
                    log.warning("handler_retry", attempt=attempt, delay=delay, error=repr(exc))
                    await asyncio.sleep(delay)
            if seen is not None:  # a replayed dead letter, applied at last
                await self.processed.update_one(
                    {"_id": key}, {"$set": {"outcome": "applied", "at": utcnow()}}
                )
                self.progress.replayed += 1
            else:
                await self._mark(key, "applied")
            self.progress.processed += 1
            return "applied"

    async def _mark(self, key: str, outcome: str) -> None:
        try:
            await self.processed.insert_one({"_id": key, "outcome": outcome, "at": utcnow()})
        except DuplicateKeyError:
            pass

    async def _dead_letter(
        self, delivery: Delivery, exc: BaseException, attempts: int, event_id: str | None
    ) -> None:
        headers = [
            *((k, v) for k, v in delivery.headers if not k.startswith(DLQ_HEADER_PREFIX)),
            ("dlq.error", repr(exc)[:2000].encode()),
            ("dlq.error_type", type(exc).__name__.encode()),
            ("dlq.consumer_group", self.group_id.encode()),
            ("dlq.attempts", str(attempts).encode()),
            ("dlq.source", f"{delivery.topic}:{delivery.partition}:{delivery.offset}".encode()),
        ]
        if delivery.replayed_from is not None:
            headers.append((REPLAYED_FROM, delivery.replayed_from.encode()))
        if self.dlq_producer is None:
            raise RuntimeError("subscription has no producer for its dead-letter topic")
        await self.dlq_producer.send_and_wait(
            dlq(delivery.topic), value=delivery.value, key=delivery.key, headers=headers
        )
        if event_id is not None:
            await self._mark(f"{self.group_id}|{event_id}", "dead_lettered")
        self.progress.dead_lettered += 1
        log.error("dead_lettered", topic=delivery.topic, offset=delivery.offset, error=repr(exc))
