"""Password-reset ("mot de passe oublié") demands: a single-use secret e-mailed to the account,
stored hashed (SHA-256), like the recovery demands.

Claiming inserts the digest into `password_reset_claims`: the unique insert decides which of two
concurrent confirmations wins, and the claim stays on record. Once the password is changed the
account's demands (which hold its e-mail) are deleted; so are they when the person is erased.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from identity.adapters.refresh_tokens import digest
from identity.application.ports import PasswordResetDemand
from orga_shared.clock import utcnow


class PasswordResetDemands:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], *, ttl: timedelta) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = db["password_reset_demands"]
        self.claims: AsyncCollection[dict[str, Any]] = db["password_reset_claims"]
        self.ttl = ttl

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("user_id", ASCENDING)], name="by_user")

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

    async def _live(self, token: str) -> dict[str, Any] | None:
        doc = await self.collection.find_one({"_id": digest(token)})
        if doc is None or doc["expires_at"] <= utcnow():
            return None
        return doc

    async def find(self, token: str) -> PasswordResetDemand | None:
        doc = await self._live(token)
        if doc is None or await self.claims.find_one({"_id": doc["_id"]}) is not None:
            return None
        return PasswordResetDemand(doc["user_id"], doc["email"])

    async def claim(self, token: str) -> PasswordResetDemand | None:
        """Take the demand for this confirmation; None if unknown, already used or expired."""
        doc = await self._live(token)
        if doc is None:
            return None
        try:
            await self.claims.insert_one({"_id": doc["_id"], "claimed_at": utcnow()})
        except DuplicateKeyError:
            return None
        return PasswordResetDemand(doc["user_id"], doc["email"])

    async def release(self, token: str) -> None:
        """Give a claimed demand back (the reset failed after the claim)."""
        await self.claims.delete_one({"_id": digest(token)})

    async def pending(self, user_id: str) -> int:
        live = self.collection.find({"user_id": user_id, "expires_at": {"$gt": utcnow()}})
        ids = [doc["_id"] async for doc in live]
        if not ids:
            return 0
        used = await self.claims.count_documents({"_id": {"$in": ids}})
        return len(ids) - int(used)

    async def forget_user(self, user_id: str) -> None:
        await self.collection.delete_many({"user_id": user_id})
