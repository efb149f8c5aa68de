"""Account-recovery demands: a single-use secret e-mailed to the new address, stored hashed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from identity.adapters.refresh_tokens import digest


@dataclass(frozen=True)
class RecoveryDemand:
    user_id: str
    email: str


class RecoveryDemands:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], *, ttl: timedelta) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = db["recovery_demands"]
        self.ttl = ttl

    async def create(self, user_id: str, email: str) -> str:
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        await self.collection.insert_one(
            {
                "_id": digest(token),
                "user_id": user_id,
                "email": email,
                "created_at": now,
                "expires_at": now + self.ttl,
                "used_at": None,
            }
        )
        return token

    async def delete(self, token: str) -> None:
        await self.collection.delete_one({"_id": digest(token)})

    async def claim(self, token: str) -> RecoveryDemand | None:
        """Mark the demand used; None if unknown, already used or expired."""
        now = datetime.now(UTC)
        doc = await self.collection.find_one_and_update(
            {"_id": digest(token), "used_at": None, "expires_at": {"$gt": now}},
            {"$set": {"used_at": now}},
            return_document=ReturnDocument.AFTER,
        )
        return None if doc is None else RecoveryDemand(doc["user_id"], doc["email"])

    async def release(self, token: str) -> None:
        """Give a claimed demand back (the recovery failed after the claim)."""
        await self.collection.update_one({"_id": digest(token)}, {"$set": {"used_at": None}})
