"""Documents whose latest state is published on a compacted topic (personal data,
docs/design.md §2).

The document is the source and `published: false` its outbox flag. A pass reads the flagged
documents in batches (index `(published, <updated field>)`), sends each as it is now (key =
`_id`; `None` from `value` is a tombstone, which compaction keeps last), then marks a batch with
one `update_many` per version seen, guarded by that version: a document changed meanwhile stays
flagged and is sent again, so the last record of a key on the topic is always its latest
version, even with concurrent writers. A crash leaves the flag for the relay to pick up.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection

from orga_shared.clock import utcnow
from orga_shared.observability import get_logger

log = get_logger(__name__)

Document = dict[str, Any]


class DocumentOutbox:
    def __init__(
        self,
        collection: AsyncCollection[Document],
        topic: str,
        value: Callable[[Document], bytes | None],
        *,
        version_field: str = "version",
        updated_field: str = "updated_at",
        ready: dict[str, Any] | None = None,
        headers: Callable[[Document], list[tuple[str, bytes]]] | None = None,
        batch_size: int = 500,
        max_passes: int = 20,
    ) -> None:
        """`ready` narrows what may be published (drafts and pending documents wait)."""
        self.collection = collection
        self.topic = topic
        self.value = value
        self.version_field = version_field
        self.updated_field = updated_field
        self.ready = ready or {}
        self.headers = headers
        self.batch_size = batch_size
        self.max_passes = max_passes
        self._producer: AIOKafkaProducer | None = None

    def bind(self, producer: AIOKafkaProducer) -> None:
        """aiokafka producers are created inside the running loop, so they arrive late."""
        self._producer = producer

    @property
    def producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("document outbox not started: bind a producer first")
        return self._producer

    async def ensure_indexes(self) -> None:
        await self.collection.create_index(
            [("published", ASCENDING), (self.updated_field, ASCENDING)], name="unpublished"
        )

    async def publish(self, where: dict[str, Any] | None = None) -> int:
        """Send every flagged document (matching `where`) until none is left; the count sent."""
        query = {"published": False, **self.ready, **(where or {})}
        total = 0
        for _ in range(self.max_passes):
            sent = await self._pass(query)
            total += sent
            if not sent:
                return total
        log.warning("document_outbox_gave_up", topic=self.topic, where=str(where))
        return total

    async def publish_quietly(self, where: dict[str, Any] | None = None) -> None:
        """Right after a write: a failure here is the relay's job, not the request's."""
        try:
            await self.publish(where)
        except Exception as exc:
            log.warning("document_publish_deferred", topic=self.topic, error=str(exc))

    async def relay_once(self, grace: timedelta) -> int:
        """What a crash left flagged for longer than `grace` (the writer's own publish had time)."""
        return await self.publish({self.updated_field: {"$lte": utcnow() - grace}})

    async def _pass(self, query: dict[str, Any]) -> int:
        total = 0
        cursor = self.collection.find(query).sort(self.updated_field, ASCENDING)
        batch: list[Document] = []
        async for doc in cursor.batch_size(self.batch_size):
            batch.append(doc)
            if len(batch) >= self.batch_size:
                total += await self._send(batch)
                batch = []
        if batch:
            total += await self._send(batch)
        return total

    async def _send(self, docs: list[Document]) -> int:
        futures = [
            await self.producer.send(
                self.topic,
                key=str(doc["_id"]).encode(),
                value=self.value(doc),
                headers=self.headers(doc) if self.headers else None,
            )
            for doc in docs
        ]
        await asyncio.gather(*futures)
        by_version: dict[Any, list[Any]] = {}
        for doc in docs:
            by_version.setdefault(doc.get(self.version_field), []).append(doc["_id"])
        for version, ids in by_version.items():
            await self.collection.update_many(
                {"_id": {"$in": ids}, self.version_field: version}, {"$set": {"published": True}}
            )
        return len(docs)
