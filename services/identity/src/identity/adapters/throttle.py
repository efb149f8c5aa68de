"""Persistence of the login throttle (`domain.lockout`) on unique inserts only.

No counter is incremented in place: taking a slot is inserting the document
`user:window:slot`, opening a window is inserting `user:window`; the unique `_id` decides every
race, and each slot taken stays on record as a fact (docs/database.md: unique inserts).
Failure counters are operational state, never published; only a lock becomes an event
(`UserLocked`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from identity.domain.lockout import Slot, Window


class ThrottleStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.windows: AsyncCollection[dict[str, Any]] = db["login_windows"]
        self.attempts: AsyncCollection[dict[str, Any]] = db["login_attempts"]

    async def ensure_indexes(self) -> None:
        await self.windows.create_index(
            [("user_id", ASCENDING), ("number", DESCENDING)], name="latest"
        )
        await self.attempts.create_index(
            [("user_id", ASCENDING), ("window", ASCENDING)], name="by_window"
        )

    async def current(self, user_id: str) -> Window:
        cursor = self.windows.find({"user_id": user_id}).sort("number", DESCENDING).limit(1)
        async for doc in cursor:
            return Window(doc["number"], doc["lock_level"], doc["locked_until"])
        return Window()

    async def slots(self, user_id: str, window: int) -> list[Slot]:
        cursor = self.attempts.find({"user_id": user_id, "window": window})
        return [Slot(d["slot"], d["started_at"], d["failed"]) async for d in cursor]

    async def take(self, user_id: str, window: int, slot: int, now: datetime) -> bool:
        try:
            await self.attempts.insert_one(
                {
                    "_id": f"{user_id}:{window}:{slot}",
                    "user_id": user_id,
                    "window": window,
                    "slot": slot,
                    "started_at": now,
                    "failed": None,
                }
            )
            return True
        except DuplicateKeyError:
            return False

    async def mark_failed(self, user_id: str, window: int, slot: int) -> None:
        await self.attempts.update_one(
            {"_id": f"{user_id}:{window}:{slot}"}, {"$set": {"failed": True}}
        )

    async def free(self, user_id: str, window: int, slot: int) -> None:
        await self.attempts.delete_one({"_id": f"{user_id}:{window}:{slot}"})

    async def open(self, user_id: str, window: Window, now: datetime) -> bool:
        """Insert the next window; False when another attempt opened it first."""
        try:
            await self.windows.insert_one(
                {
                    "_id": f"{user_id}:{window.number}",
                    "user_id": user_id,
                    "number": window.number,
                    "lock_level": window.lock_level,
                    "locked_until": window.locked_until,
                    "opened_at": now,
                }
            )
        except DuplicateKeyError:
            return False
        await self.attempts.delete_many({"user_id": user_id, "window": {"$lt": window.number}})
        await self.windows.delete_many({"user_id": user_id, "number": {"$lt": window.number}})
        return True

    async def clear(self, user_id: str) -> None:
        await self.attempts.delete_many({"user_id": user_id})
        await self.windows.delete_many({"user_id": user_id})
