"""Opaque refresh tokens, stored as SHA-256 digests, rotated on every use.

Each login starts a *family*; a refresh consumes the presented token and issues the next one in
the same family. Presenting an already consumed token means it leaked (or was replayed): the
whole family is revoked, so the thief and the victim both have to log in again (OAuth 2.0
security BCP, refresh token rotation with reuse detection).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any

from pymongo import ASCENDING, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RefreshProblem(Enum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REUSED = "reused"


@dataclass(frozen=True)
class Consumed:
    user_id: str
    family_id: str


class RefreshTokens:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], *, ttl: timedelta) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = db["refresh_tokens"]
        self.ttl = ttl

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("family_id", ASCENDING)], name="by_family")
        await self.collection.create_index([("user_id", ASCENDING)], name="by_user")

    async def issue(self, user_id: str, family_id: str | None = None) -> str:
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        await self.collection.insert_one(
            {
                "_id": digest(token),
                "user_id": user_id,
                "family_id": family_id or str(uuid.uuid4()),
                "issued_at": now,
                "expires_at": now + self.ttl,
                "used_at": None,
                "revoked_at": None,
            }
        )
        return token

    async def consume(self, token: str) -> Consumed | RefreshProblem:
        """Mark the token used (atomically: one winner) or say why it cannot be used."""
        now = datetime.now(UTC)
        doc = await self.collection.find_one_and_update(
            {"_id": digest(token), "used_at": None, "revoked_at": None},
            {"$set": {"used_at": now}},
            return_document=ReturnDocument.AFTER,
        )
        if doc is not None:
            if doc["expires_at"] <= now:
                return RefreshProblem.EXPIRED
            return Consumed(user_id=doc["user_id"], family_id=doc["family_id"])
        doc = await self.collection.find_one({"_id": digest(token)})
        if doc is None:
            return RefreshProblem.UNKNOWN
        if doc["revoked_at"] is not None:
            return RefreshProblem.REVOKED
        await self.revoke_family(doc["family_id"])
        return RefreshProblem.REUSED

    async def family_of(self, token: str) -> str | None:
        doc = await self.collection.find_one({"_id": digest(token)})
        return None if doc is None else str(doc["family_id"])

    async def revoke_family(self, family_id: str) -> None:
        await self.collection.update_many(
            {"family_id": family_id, "revoked_at": None},
            {"$set": {"revoked_at": datetime.now(UTC)}},
        )

    async def revoke_user(self, user_id: str) -> None:
        await self.collection.update_many(
            {"user_id": user_id, "revoked_at": None}, {"$set": {"revoked_at": datetime.now(UTC)}}
        )
