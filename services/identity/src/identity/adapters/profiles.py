"""Profiles (personal data): one versioned document per user, the source of the compacted
`identity.user-profiles` topic (`adapters/profile_topic.py` publishes it).

`published: false` is the document's outbox flag. A draft (an account being written) is
created `published: true`, so it is never sent until `activate` flags it; erasure blanks the
personal fields and flags the document, which is then sent as a tombstone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.clock import utcnow

PERSONAL_FIELDS = ("first_name", "last_name", "email", "username", "birth_date")


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


class Profiles:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = db["profiles"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("birth_date", ASCENDING)], name="by_birth_date")

    async def create(self, user_id: str, *, draft: bool = False, **fields: Any) -> dict[str, Any]:
        """A draft is invisible and never published until `activate` (account fully written)."""
        doc = {
            "_id": user_id,
            **{f: _stored(fields.get(f)) for f in PERSONAL_FIELDS},
            "version": 1,
            "published": draft,
            "draft": draft,
            "erased": False,
            "updated_at": utcnow(),
        }
        await self.collection.insert_one(doc)
        return doc

    async def activate(self, user_id: str) -> None:
        await self.collection.update_one(
            {"_id": user_id, "draft": True},
            {"$set": {"draft": False, "published": False, "updated_at": utcnow()}},
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
                    "updated_at": utcnow(),
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
                    "updated_at": utcnow(),
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
