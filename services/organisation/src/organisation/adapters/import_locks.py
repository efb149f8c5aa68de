"""One import at a time per organisation: a lock document whose insert decides the race
(unique `_id`), and which expires if its holder crashed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from orga_shared.clock import utcnow


class ImportLocks:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.locks: AsyncCollection[dict[str, Any]] = db["import_locks"]

    async def lock(self, organisation_id: str, import_id: str, ttl_seconds: float) -> bool:
        now = utcnow()
        await self.locks.delete_one({"_id": organisation_id, "expires_at": {"$lt": now}})
        try:
            await self.locks.insert_one(
                {
                    "_id": organisation_id,
                    "import_id": import_id,
                    "expires_at": now + timedelta(seconds=ttl_seconds),
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def unlock(self, organisation_id: str, import_id: str) -> None:
        await self.locks.delete_one({"_id": organisation_id, "import_id": import_id})
