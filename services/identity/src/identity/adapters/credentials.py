"""Password hashes, one document per user: a secret, so never in events nor on any topic."""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.clock import utcnow


class Credentials:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = db["credentials"]

    async def set_password(self, user_id: str, password_hash: str) -> None:
        await self.collection.update_one(
            {"_id": user_id},
            {"$set": {"password_hash": password_hash, "updated_at": utcnow()}},
            upsert=True,
        )

    async def password_hash(self, user_id: str) -> str | None:
        doc = await self.collection.find_one({"_id": user_id})
        return None if doc is None else doc.get("password_hash")

    async def delete(self, user_id: str) -> None:
        await self.collection.delete_one({"_id": user_id})
