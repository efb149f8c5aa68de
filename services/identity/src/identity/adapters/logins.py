"""Login keys (e-mail, username, SSO id) → user id, unique by construction.

The unique `_id` is the reservation: inserting it is the atomic "is this e-mail free?" check
that an event-sourced aggregate cannot do alone (FerretDB has no transactions). A reservation
whose account never got its first event (a crash in between) is reclaimed by the application.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from orga_shared.clock import utcnow


class LoginKeys:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = db["login_keys"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("user_id", ASCENDING)], name="by_user")

    async def reserve(self, key: str, user_id: str) -> bool:
        """True when `key` now (or already) belongs to `user_id`, False when someone has it."""
        try:
            await self.collection.insert_one(
                {"_id": key, "user_id": user_id, "created_at": utcnow()}
            )
            return True
        except DuplicateKeyError:
            return await self.owner(key) == user_id

    async def owner(self, key: str) -> str | None:
        doc = await self.collection.find_one({"_id": key})
        return None if doc is None else str(doc["user_id"])

    async def reserved_at(self, key: str) -> datetime | None:
        doc = await self.collection.find_one({"_id": key})
        return None if doc is None else doc["created_at"]

    async def release(self, key: str, user_id: str) -> None:
        await self.collection.delete_one({"_id": key, "user_id": user_id})

    async def keys_of(self, user_id: str) -> list[str]:
        return [str(d["_id"]) async for d in self.collection.find({"user_id": user_id})]
