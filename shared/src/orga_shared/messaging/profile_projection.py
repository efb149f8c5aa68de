"""A local copy of a compacted personal-data topic (`identity.user-profiles`, ...), latest wins.

Personal data never enters the event history (docs/design.md §2); a service that must show or
search names (a campaign's owner, a CSV's participant) keeps this projection, keyed by the
topic's key. A value replaces the document when its `version` is newer (redelivery and replay
change nothing); a tombstone (erasure) deletes it, so an erased person disappears everywhere.
The consumer commits its offsets after applying each batch (at-least-once, idempotent apply).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

from orga_shared.observability import get_logger

log = get_logger(__name__)

Document = dict[str, Any]


class ProfileProjection:
    def __init__(
        self,
        collection: AsyncCollection[Document],
        topic: str,
        fields: Callable[[Document], Document],
        *,
        version_field: str = "version",
        version: Callable[[Document], int] | None = None,
    ) -> None:
        """`fields(value)` picks what this service keeps of a message value (data minimisation);
        `version(value)` orders the values of a key when they carry no integer version (e.g.
        the microseconds of their `updated_at`)."""
        self.collection = collection
        self.topic = topic
        self.fields = fields
        self.version_field = version_field
        self.version = version
        self.applied = 0

    async def apply(self, key: str, value: bytes | None) -> None:
        if value is None:
            await self.collection.delete_one({"_id": key})
            self.applied += 1
            return
        try:
            body = json.loads(value)
            version = self.version(body) if self.version else int(body[self.version_field])
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("profile_message_unreadable", topic=self.topic, key=key, error=str(exc))
            return
        try:
            await self.collection.update_one(
                {"_id": key, "version": {"$lt": version}},
                {"$set": {**self.fields(body), "version": version}},
                upsert=True,
            )
        except DuplicateKeyError:
            pass  # this version or a newer one is already there
        self.applied += 1

    async def get_many(self, keys: list[str]) -> dict[str, Document]:
        found = self.collection.find({"_id": {"$in": keys}})
        return {str(doc["_id"]): doc async for doc in found}

    async def follow(self, bootstrap: str, group_id: str, stop: asyncio.Event) -> None:
        """Consume the topic from the beginning (first start) until `stop` is set."""
        consumer = AIOKafkaConsumer(
            self.topic,
            bootstrap_servers=bootstrap,
            group_id=group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
        )
        try:
            await consumer.start()
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=500, max_records=500)
                for records in batches.values():
                    for record in records:
                        key = record.key.decode() if record.key else ""
                        if key:
                            await self.apply(key, record.value)
                if batches:
                    await consumer.commit()
        finally:
            await consumer.stop()
