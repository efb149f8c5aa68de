"""Account-recovery demands: a single-use secret e-mailed to the new address, stored hashed.

Claiming inserts the digest into `recovery_claims`: the unique insert decides which of two
concurrent confirmations wins, and the claim stays on record.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from identity.adapters.refresh_tokens import digest
from identity.application.ports import RecoveryDemand
from orga_shared.clock import utcnow


class RecoveryDemands:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], *, ttl: timedelta) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = db["recovery_demands"]
        self.claims: AsyncCollection[dict[str, Any]] = db["recovery_claims"]
        self.ttl = ttl

    async def create(self, user_id: str, email: str) -> str:
        token = secrets.token_urlsafe(32)
        now = utcnow()
        await self.collection.insert_one(
            {
                "_id": digest(token),
                "user_id": user_id,
                "email": email,
                "created_at": now,
                "expires_at": now + self.ttl,
            }
        )
        return token

    async def delete(self, token: str) -> None:
        await self.collection.delete_one({"_id": digest(token)})

    async def claim(self, token: str) -> RecoveryDemand | None:
        """Take the demand for this confirmation; None if unknown, already used or expired."""
        now = utcnow()
        doc = await self.collection.find_one({"_id": digest(token)})
        if doc is None or doc["expires_at"] <= now:
            return None
        try:
            await self.claims.insert_one({"_id": doc["_id"], "claimed_at": now})
        except DuplicateKeyError:
            return None
        return RecoveryDemand(doc["user_id"], doc["email"])

    async def release(self, token: str) -> None:
        """Give a claimed demand back (the recovery failed after the claim)."""
        await self.claims.delete_one({"_id": digest(token)})
