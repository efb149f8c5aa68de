"""The commit is the outbox: publish right after the insert, then mark; a relay sends leftovers.

Publishing twice is harmless (every consumer is idempotent); losing a commit is not, so the
relay picks up every commit still unmarked after a grace period, in commit order.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from orga_shared.eventstore.store import Commit
from orga_shared.observability import get_logger

log = get_logger(__name__)


def headers_for(commit: Commit, index: int) -> list[tuple[str, bytes]]:
    env = commit.envelopes[index]
    return [
        ("event_type", env.event_type.encode()),
        ("event_id", env.event_id.encode()),
        ("correlation_id", env.correlation_id.encode()),
    ]


class OutboxPublisher:
    def __init__(
        self, commits: AsyncCollection[dict[str, Any]], producer: AIOKafkaProducer | None = None
    ) -> None:
        self.commits = commits
        self._producer = producer

    @property
    def producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("publisher not started: bind a producer first")
        return self._producer

    def bind(self, producer: AIOKafkaProducer) -> None:
        """aiokafka producers are created inside the running loop, so they arrive late."""
        self._producer = producer

    async def send(self, commit: Commit) -> list[asyncio.Future[Any]]:
        """Queue every event of the commit; the futures resolve once the broker acknowledged."""
        return [
            await self.producer.send(
                commit.topic,
                value=env.to_json_bytes(),
                key=commit.key.encode(),
                headers=headers_for(commit, i),
            )
            for i, env in enumerate(commit.envelopes)
        ]

    async def publish(self, commit: Commit) -> None:
        await asyncio.gather(*await self.send(commit))
        await self.commits.update_one({"_id": commit.commit_id}, {"$set": {"published": True}})


class MarkBatcher:
    """Writes "published" marks in batches: one `update_many` on `_id $in` per flush.

    A hot path that publishes every commit would otherwise double its writes with one mark per
    commit. Marks wait at most `interval` seconds (or until `max_batch` are pending); a crash
    loses only marks, and the relay then publishes those commits again (consumers are
    idempotent). `run` is the flushing loop (a background job); `flush` writes what is pending.
    """

    def __init__(
        self,
        commits: AsyncCollection[dict[str, Any]],
        *,
        interval: float = 0.05,
        max_batch: int = 500,
    ) -> None:
        self.commits = commits
        self.interval = interval
        self.max_batch = max_batch
        self._pending: list[str] = []
        self._wake = asyncio.Event()
        self.writes = 0
        """Mark writes done so far (the benchmarks count round trips with it)."""

    def add(self, commit_id: str) -> None:
        self._pending.append(commit_id)
        if len(self._pending) >= self.max_batch:
            self._wake.set()

    async def flush(self) -> int:
        marked = 0
        while self._pending:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
            await self.commits.update_many({"_id": {"$in": batch}}, {"$set": {"published": True}})
            self.writes += 1
            marked += len(batch)
        return marked

    async def run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval)
            self._wake.clear()
            try:
                await self.flush()
            except Exception as exc:  # the relay republishes what stays unmarked
                log.warning("marks_not_written", error=str(exc))


class OutboxRelay:
    """Republishes commits a crash left unpublished; run it beside every writer.

    One pass streams the unpublished commits once, in commit order (the `(published, seq)`
    index serves it, on MongoDB and on the local database: docs/database.md), publishes them in
    chunks and marks each chunk with one `update_many` on `_id $in`.
    """

    def __init__(
        self,
        publisher: OutboxPublisher,
        *,
        grace: timedelta = timedelta(seconds=5),
        batch_size: int = 500,
    ) -> None:
        self.publisher = publisher
        self.grace = grace
        self.batch_size = batch_size

    async def run_once(self) -> int:
        """One pass over the commits unpublished for longer than the grace period."""
        cutoff = datetime.now(UTC) - self.grace
        cursor = (
            self.publisher.commits.find({"published": False, "committed_at": {"$lte": cutoff}})
            .sort("seq", ASCENDING)
            .batch_size(self.batch_size)
        )
        total, chunk = 0, list[dict[str, Any]]()
        async for doc in cursor:
            chunk.append(doc)
            if len(chunk) >= self.batch_size:
                total += await self._relay(chunk)
                chunk = []
        if chunk:
            total += await self._relay(chunk)
        if total:
            log.info("outbox_relayed", commits=total)
        return total

    async def _relay(self, docs: list[dict[str, Any]]) -> int:
        futures: list[asyncio.Future[Any]] = []
        for doc in docs:
            futures.extend(await self.publisher.send(Commit.from_document(doc)))
        await asyncio.gather(*futures)
        await self.publisher.commits.update_many(
            {"_id": {"$in": [doc["_id"] for doc in docs]}}, {"$set": {"published": True}}
        )
        return len(docs)

    async def drain(self) -> int:
        total = 0
        while n := await self.run_once():
            total += n
        return total
