"""Profiles (personal data) and their publication on the compacted `identity.user-profiles`.

The document is the source; `published: false` is its outbox flag. Publishing sends the
document *as it is now*, then marks it only if its version did not move meanwhile; otherwise it
sends again. So the last record on the topic for a user is always the latest version, even with
concurrent writers, and a crash leaves `published: false` for the relay to pick up.
An erased profile is published as a tombstone (null value), which compaction keeps last.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiokafka import AIOKafkaProducer
from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.observability import get_logger

log = get_logger(__name__)
PERSONAL_FIELDS = ("first_name", "last_name", "email", "username", "birth_date")


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def message_value(doc: dict[str, Any]) -> bytes | None:
    if doc.get("erased"):
        return None
    body = {"user_id": doc["_id"], "version": doc["version"]}
    body.update({f: doc.get(f) for f in PERSONAL_FIELDS})
    body["updated_at"] = doc["updated_at"].isoformat()
    return json.dumps(body, ensure_ascii=False).encode()


class Profiles:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = db["profiles"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("birth_date", ASCENDING)], name="by_birth_date")
        await self.collection.create_index(
            [("published", ASCENDING), ("updated_at", ASCENDING)], name="unpublished"
        )

    async def create(self, user_id: str, *, draft: bool = False, **fields: Any) -> dict[str, Any]:
        """A draft is invisible and never published until `activate` (account fully written)."""
        doc = {
            "_id": user_id,
            **{f: _stored(fields.get(f)) for f in PERSONAL_FIELDS},
            "version": 1,
            "published": draft,
            "draft": draft,
            "erased": False,
            "updated_at": datetime.now(UTC),
        }
        await self.collection.insert_one(doc)
        return doc

    async def activate(self, user_id: str) -> None:
        await self.collection.update_one(
            {"_id": user_id, "draft": True},
            {"$set": {"draft": False, "published": False, "updated_at": datetime.now(UTC)}},
        )

    async def drafts_before(self, cutoff: datetime, limit: int = 100) -> list[str]:
        cursor = self.collection.find(
            {"draft": True, "updated_at": {"$lte": cutoff}}, {"_id": 1}
        ).limit(limit)
        return [str(d["_id"]) async for d in cursor]

    async def delete_draft(self, user_id: str) -> None:
        await self.collection.delete_one({"_id": user_id, "draft": True})

    async def get(self, user_id: str) -> dict[str, Any] | None:
        return await self.collection.find_one({"_id": user_id, "erased": False, "draft": False})

    async def update(self, user_id: str, changes: dict[str, Any]) -> dict[str, Any] | None:
        """Apply changes, bump the version, flag for publication; the new document."""
        return await self.collection.find_one_and_update(
            {"_id": user_id, "erased": False, "draft": False},
            {
                "$set": {
                    **{k: _stored(v) for k, v in changes.items()},
                    "published": False,
                    "updated_at": datetime.now(UTC),
                },
                "$inc": {"version": 1},
            },
            return_document=ReturnDocument.AFTER,
        )

    async def erase(self, user_id: str) -> None:
        await self.collection.update_one(
            {"_id": user_id},
            {
                "$set": {
                    **dict.fromkeys(PERSONAL_FIELDS),
                    "erased": True,
                    "draft": False,
                    "published": False,
                    "updated_at": datetime.now(UTC),
                },
                "$inc": {"version": 1},
            },
        )

    async def recoverable_born_on(
        self, birth_date: date, limit: int = 5000
    ) -> list[dict[str, Any]]:
        """School accounts (no e-mail yet) with this birth date: the recovery candidates."""
        cursor = self.collection.find(
            {"birth_date": birth_date.isoformat(), "email": None, "erased": False, "draft": False}
        ).limit(limit)
        return [d async for d in cursor]


class ProfilePublisher:
    def __init__(self, profiles: Profiles, topic: str) -> None:
        self.profiles = profiles
        self.topic = topic
        self._producer: AIOKafkaProducer | None = None

    def bind(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer

    async def publish(self, user_id: str) -> None:
        if self._producer is None:
            raise RuntimeError("profile publisher not started")
        for _ in range(20):
            doc = await self.profiles.collection.find_one({"_id": user_id})
            if doc is None or doc.get("published"):
                return
            await self._producer.send_and_wait(
                self.topic,
                value=message_value(doc),
                key=user_id.encode(),
                headers=[("profile_version", str(doc["version"]).encode())],
            )
            marked = await self.profiles.collection.update_one(
                {"_id": user_id, "version": doc["version"]}, {"$set": {"published": True}}
            )
            if marked.matched_count == 1:
                return
        log.warning("profile_publish_gave_up", user_id=user_id)

    async def publish_quietly(self, user_id: str) -> None:
        """After a write: a failure here is the relay's job, not the request's."""
        try:
            await self.publish(user_id)
        except Exception as exc:
            log.warning("profile_publish_deferred", user_id=user_id, error=str(exc))


class ProfileRelay:
    """Republishes profiles a crash left unpublished (the outbox relay, for profiles)."""

    def __init__(self, publisher: ProfilePublisher, grace: timedelta) -> None:
        self.publisher = publisher
        self.grace = grace

    async def run_once(self) -> int:
        cutoff = datetime.now(UTC) - self.grace
        cursor = (
            self.publisher.profiles.collection.find(
                {"published": False, "updated_at": {"$lte": cutoff}}, {"_id": 1}
            )
            .sort("updated_at", ASCENDING)
            .limit(500)
        )
        ids = [d["_id"] async for d in cursor]
        for user_id in ids:
            await self.publisher.publish(user_id)
        return len(ids)

    async def drain(self) -> int:
        total = 0
        while n := await self.run_once():
            total += n
        return total
