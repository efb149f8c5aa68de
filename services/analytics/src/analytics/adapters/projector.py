"""The projector: analytics' own consumer loop, because a projection needs each record's
partition and offset (its writes are guarded by them), which the kernel's subscriptions hide.

One batch at a time (`getmany`), records applied in order per partition, then the batch's
offsets committed. A crash between apply and commit redelivers records; projections are
idempotent, so the loop need not be (ADR 0016). A record that is no envelope, or whose payload
does not decode, is counted, logged and skipped: a read model has no dead-letter topic, the
writer's topic keeps the record and a fixed projection replays it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaError
from aiokafka.structs import OffsetAndMetadata
from pydantic import ValidationError

from analytics.adapters.generations import Generations
from analytics.application.projection import Generation, Projection, Record
from orga_shared.events.envelope import Envelope
from orga_shared.events.registry import EVENTS, EventRegistry, UnknownEventType
from orga_shared.observability import get_logger

log = get_logger(__name__)
Raw: TypeAlias = "ConsumerRecord[bytes, bytes]"


GROUP_PREFIX = "analytics.projector"


def group_for(generation: str, prefix: str = GROUP_PREFIX) -> str:
    """The consumer group of a generation: a replay commits the offsets its live run resumes."""
    return f"{prefix}.{generation}"


def tp_name(tp: TopicPartition) -> str:
    return f"{tp.topic}:{tp.partition}"


@dataclass
class ProjectorProgress:
    """What progress bars, `/live` and the benchmarks read."""

    applied: int = 0
    skipped: int = 0
    """Records of event types no projection wants."""
    undecodable: int = 0
    positions: dict[str, int] = field(default_factory=dict)
    """Next offset to apply, per `<topic>:<partition>`."""
    ends: dict[str, int] = field(default_factory=dict)
    """End offsets last seen (or the `until` offsets of an as-of build)."""
    started: float = field(default_factory=time.monotonic)
    last_progress: float = field(default_factory=time.monotonic)
    assigned: bool = False

    @property
    def processed(self) -> int:
        return self.applied + self.skipped + self.undecodable

    @property
    def lag(self) -> int:
        return sum(max(0, end - self.positions.get(tp, 0)) for tp, end in self.ends.items())

    @property
    def rate(self) -> float:
        """Records per second since the start."""
        return self.processed / max(1e-9, time.monotonic() - self.started)

    @property
    def caught_up(self) -> bool:
        return self.assigned and bool(self.ends) and self.lag == 0


class _FromBeginning(ConsumerRebalanceListener):  # type: ignore[misc]
    """A rebuild reads every partition from its first offset, whatever its group committed."""

    def __init__(self, projector: Projector) -> None:
        self.projector = projector
        self.seen: set[TopicPartition] = set()

    async def on_partitions_revoked(self, revoked: Any) -> None:
        return None

    async def on_partitions_assigned(self, assigned: Any) -> None:
        fresh = [tp for tp in assigned if tp not in self.seen]
        if fresh and self.projector.consumer is not None:
            await self.projector.consumer.seek_to_beginning(*fresh)
        self.seen.update(fresh)


class Projector:
    ENDS_EVERY = 1.0
    """Seconds between two reads of the end offsets in a live run (the lag shown)."""

    def __init__(
        self,
        bootstrap: str,
        topics: Iterable[str],
        group_id: str,
        projections: Sequence[Projection],
        gen: Generation,
        registry: EventRegistry = EVENTS,
        batch_size: int = 500,
        until: dict[TopicPartition, int] | None = None,
        *,
        from_beginning: bool = False,
        idle_ms: int = 500,
        retry_seconds: float = 1.0,
        client_id: str = "analytics-projector",
        consumer_options: dict[str, Any] | None = None,
    ) -> None:
        self.bootstrap = bootstrap
        self.topics = tuple(topics)
        self.group_id = group_id
        self.projections = list(projections)
        self.gen = gen
        self.registry = registry
        self.batch_size = batch_size
        self.until = dict(until) if until is not None else None
        self.from_beginning = from_beginning
        self.idle_ms = idle_ms
        self.retry_seconds = retry_seconds
        self.client_id = client_id
        self.consumer_options = dict(consumer_options or {})
        self.wanted = frozenset().union(*(p.event_types for p in self.projections))
        self.progress = ProjectorProgress()
        self.consumer: AIOKafkaConsumer | None = None
        self._targets: dict[TopicPartition, int] = {}
        self._ends_at = 0.0

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        for projection in self.projections:
            await projection.ensure_indexes(self.gen)
        self.consumer = AIOKafkaConsumer(
            bootstrap_servers=self.bootstrap,
            group_id=self.group_id,
            client_id=self.client_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=4 * 2**20,
            **self.consumer_options,
        )
        await self.consumer.start()
        listener = _FromBeginning(self) if self.from_beginning else None
        self.consumer.subscribe(self.topics, listener=listener)
        self._targets = await self._partitions()
        if self.until is not None:
            self._targets = {tp: self.until.get(tp, 0) for tp in self._targets}
        self.progress.started = time.monotonic()

    async def stop(self) -> None:
        if self.consumer is not None:
            await self.consumer.stop()
            self.consumer = None

    async def run(self, stop: asyncio.Event) -> None:
        """Apply records until `stop` is set; what was applied is committed before returning."""
        await self.start()
        try:
            while not stop.is_set():
                await self.step(stop)
        finally:
            await self.stop()

    async def run_until_caught_up(
        self,
        on_progress: Callable[[ProjectorProgress], None] | None = None,
        stop: asyncio.Event | None = None,
    ) -> ProjectorProgress:
        """Apply up to the end offsets seen at the start (or `until`), commit, and return."""
        stop = stop or asyncio.Event()
        await self.start()
        try:
            self.progress.ends = {tp_name(tp): end for tp, end in self._targets.items()}
            while not stop.is_set() and not self._reached_targets():
                await self.step(stop, refresh_ends=False)
                if on_progress is not None:
                    on_progress(self.progress)
        finally:
            await self.stop()
        return self.progress

    # -- one batch ---------------------------------------------------------------------------

    async def step(self, stop: asyncio.Event, *, refresh_ends: bool = True) -> int:
        """One `getmany`, applied and committed; returns the number of records processed."""
        assert self.consumer is not None
        batches = await self.consumer.getmany(timeout_ms=self.idle_ms, max_records=self.batch_size)
        if not batches:
            await self._refresh(refresh_ends)
            return 0
        done: dict[TopicPartition, int] = {}
        try:
            for tp, records in batches.items():
                for raw in records:
                    if stop.is_set():
                        break
                    limit = self.until.get(tp) if self.until is not None else None
                    if limit is not None and raw.offset >= limit:
                        self.consumer.pause(tp)
                        done[tp] = limit
                        break
                    await self._apply(raw)
                    done[tp] = raw.offset + 1
            await self._flush()
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await self._flush()
                await self._commit(done)
            raise
        except Exception as exc:
            # The database (or a projection) failed: read the whole batch again (every write
            # is idempotent; what projections held back is forgotten).
            log.warning("projector_apply_failed", error=repr(exc))
            for projection in self.projections:
                discard = getattr(projection, "discard", None)
                if discard is not None:
                    discard()
            for tp, records in batches.items():
                with contextlib.suppress(IllegalStateError, KafkaError):
                    self.consumer.seek(tp, records[0].offset)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.retry_seconds)
            return 0
        await self._commit(done)
        if refresh_ends and (
            not self.progress.assigned or time.monotonic() - self._ends_at > self.ENDS_EVERY
        ):
            await self._refresh(True)
        return sum(len(r) for r in batches.values())

    async def _flush(self) -> None:
        """Projections that hold writes back within a batch (`flush(gen)`) write them now."""
        for projection in self.projections:
            flush = getattr(projection, "flush", None)
            if flush is not None:
                await flush(self.gen)

    async def _apply(self, raw: Raw) -> None:
        try:
            envelope = Envelope.from_json_bytes(raw.value or b"")
            if envelope.event_type not in self.wanted:
                self.progress.skipped += 1
                return
            event = self.registry.decode(envelope)
        except (ValidationError, UnknownEventType, ValueError) as exc:
            self.progress.undecodable += 1
            log.error(
                "projector_undecodable",
                source=f"{raw.topic}:{raw.partition}:{raw.offset}",
                error=repr(exc)[:500],
            )
            return
        record = Record(envelope, event, raw.topic, raw.partition, raw.offset)
        for projection in self.projections:
            if envelope.event_type in projection.event_types:
                await projection.apply(self.gen, record)
        self.progress.applied += 1

    async def _commit(self, done: dict[TopicPartition, int]) -> None:
        if not done or self.consumer is None:
            return
        try:
            await self.consumer.commit({tp: OffsetAndMetadata(o, "") for tp, o in done.items()})
        except (CommitFailedError, IllegalStateError) as exc:
            # A rebalance took the partitions: their new owner re-applies (idempotent writes).
            log.warning("projector_commit_failed", error=repr(exc))
        for tp, offset in done.items():
            self.progress.positions[tp_name(tp)] = offset
        self.progress.last_progress = time.monotonic()

    # -- positions and ends ------------------------------------------------------------------

    async def _partitions(self) -> dict[TopicPartition, int]:
        """Every partition of the topics (that exist) and its end offset now."""
        assert self.consumer is not None
        parts: list[TopicPartition] = []
        for topic in self.topics:
            ids = self.consumer.partitions_for_topic(topic)
            if ids is None:
                await self.consumer._client.force_metadata_update()
                ids = self.consumer.partitions_for_topic(topic)
            parts += [TopicPartition(topic, p) for p in sorted(ids or ())]
        return dict(await self.consumer.end_offsets(parts)) if parts else {}

    async def _refresh(self, ends: bool) -> None:
        """Positions of the partitions we own (all records up to them were returned and
        applied); the end offsets too in a live run."""
        assert self.consumer is not None
        for tp in self.consumer.assignment():
            name = tp_name(tp)
            limit = self.until.get(tp, 0) if self.until is not None else None
            position = await self.consumer.position(tp)
            if limit is not None:
                position = min(position, limit)
                if position >= limit:
                    self.consumer.pause(tp)
            self.progress.positions[name] = max(self.progress.positions.get(name, 0), position)
        if self.consumer.assignment():
            self.progress.assigned = True
        if ends:
            self._ends_at = time.monotonic()
            self._targets = await self._partitions()
            if self.until is not None:
                self._targets = {tp: self.until.get(tp, 0) for tp in self._targets}
            self.progress.ends = {tp_name(tp): end for tp, end in self._targets.items()}

    def _reached_targets(self) -> bool:
        positions = self.progress.positions
        return all(positions.get(tp_name(tp), 0) >= end for tp, end in self._targets.items())


class LiveProjector:
    """The live service's projector: it follows the current generation. When `meta` names
    another one (a replay switched), it stops (committing), then starts on the new generation
    with that generation's group, whose offsets the replay committed."""

    def __init__(
        self,
        generations: Generations,
        make: Callable[[Generation, str], Projector],
        poll_seconds: float = 1.0,
        group_prefix: str = GROUP_PREFIX,
    ) -> None:
        self.generations = generations
        self.make = make
        """`make(gen, group_id)`: a `Projector` over the configured topics and projections."""
        self.poll_seconds = poll_seconds
        self.group_prefix = group_prefix
        self.projector: Projector | None = None
        self.generation: str | None = None

    @property
    def progress(self) -> ProjectorProgress | None:
        return self.projector.progress if self.projector is not None else None

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            name = await self.generations.current()
            self.generation = name
            self.projector = self.make(
                self.generations.generation(name), group_for(name, self.group_prefix)
            )
            inner = asyncio.Event()
            task = asyncio.create_task(self.projector.run(inner), name=f"projector-{name}")
            try:
                while not stop.is_set() and not task.done():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), self.poll_seconds)
                    if await self.generations.current() != name:
                        log.info("projector_follows_switch", previous=name)
                        break
            finally:
                inner.set()
                failed = await asyncio.gather(task, return_exceptions=True)
            if isinstance(failed[0], Exception):
                log.error("projector_failed", generation=name, error=repr(failed[0]))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.poll_seconds * 5)
