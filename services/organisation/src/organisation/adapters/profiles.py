"""Publishes learners' personal data on the compacted topic `organisation.learner-profiles`.

Like the outbox: a learner document changed by an import carries `published: false`; it is
sent (key = learner id, latest wins) right after the import and marked, and a relay loop sends
whatever a crash left behind. An erased learner is sent as a tombstone (null value), so
compaction removes every earlier value and a replay cannot bring the data back.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaProducer

from orga_shared.contracts.organisation import LearnerProfile
from orga_shared.observability import get_logger
from organisation.adapters.learners import LearnerStore

log = get_logger(__name__)


def profile_value(doc: dict[str, Any]) -> bytes | None:
    if doc.get("tombstone"):
        return None
    profile = LearnerProfile.model_validate(
        {**doc, "learner_id": doc["_id"], "updated_at": doc["updated_at"]}
    )
    return profile.model_dump_json().encode()


class ProfilePublisher:
    def __init__(
        self,
        store: LearnerStore,
        topic: str,
        producer: Callable[[], AIOKafkaProducer],
        batch_size: int = 500,
    ) -> None:
        self.store = store
        self.topic = topic
        self.producer = producer
        self.batch_size = batch_size

    async def publish_pending(self, organisation_id: str | None = None) -> int:
        """Send every unpublished, non-pending profile (of one organisation, if given)."""
        query: dict[str, Any] = {"published": False, "state": {"$ne": "pending"}}
        if organisation_id is not None:
            query["organisation_id"] = organisation_id
        total = 0
        while True:
            cursor = self.store.learners.find(query).sort("_id", 1).limit(self.batch_size)
            docs = [doc async for doc in cursor]
            if not docs:
                return total
            producer = self.producer()
            futures = [
                await producer.send(self.topic, key=doc["_id"].encode(), value=profile_value(doc))
                for doc in docs
            ]
            await asyncio.gather(*futures)
            by_version: dict[int, list[str]] = {}
            for doc in docs:
                by_version.setdefault(doc["profile_version"], []).append(doc["_id"])
            for profile_version, ids in by_version.items():
                await self.store.learners.update_many(
                    {"_id": {"$in": ids}, "profile_version": profile_version},
                    {"$set": {"published": True}},
                )
            total += len(docs)
            if len(docs) < self.batch_size:
                return total

    async def publish_soon(self, organisation_id: str) -> None:
        """Best effort right after a write; the relay loop retries whatever fails here."""
        try:
            await self.publish_pending(organisation_id)
        except Exception as exc:
            log.warning("profile_publish_deferred", organisation_id=organisation_id, error=str(exc))
