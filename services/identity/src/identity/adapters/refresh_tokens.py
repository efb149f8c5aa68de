"""Opaque refresh tokens, stored as SHA-256 digests, rotated on every use.

Each login starts a *family*; a refresh consumes the presented token and issues the next one in
the same family. Presenting an already consumed token means it leaked (or was replayed): the
whole family is revoked, so the thief and the victim both have to log in again (OAuth 2.0
security BCP, refresh token rotation with reuse detection).

Single use is decided by inserting the token's digest into `refresh_token_uses` and a
revocation by inserting the family into `refresh_revocations`: the unique insert decides the
race and leaves the use on record (docs/database.md).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from identity.application.ports import Consumed, RefreshProblem
from orga_shared.clock import utcnow


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RefreshTokens:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], *, ttl: timedelta) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = db["refresh_tokens"]
        self.uses: AsyncCollection[dict[str, Any]] = db["refresh_token_uses"]
        self.revocations: AsyncCollection[dict[str, Any]] = db["refresh_revocations"]
        self.ttl = ttl

    async def ensure_indexes(self) -> None:
        await self.collection.create_index([("family_id", ASCENDING)], name="by_family")
        await self.collection.create_index([("user_id", ASCENDING)], name="by_user")

    async def issue(self, user_id: str, family_id: str | None = None) -> str:
        token = secrets.token_urlsafe(32)
        now = utcnow()
        await self.collection.insert_one(
            {
                "_id": digest(token),
                "user_id": user_id,
                "family_id": family_id or str(uuid.uuid4()),
                "issued_at": now,
                "expires_at": now + self.ttl,
            }
        )
        return token

    async def consume(self, token: str) -> Consumed | RefreshProblem:
        """Use the token (one winner, whatever the concurrency) or say why it cannot be used."""
        now = utcnow()
        doc = await self.collection.find_one({"_id": digest(token)})
        if doc is None:
            return RefreshProblem.UNKNOWN
        if await self.revocations.find_one({"_id": doc["family_id"]}) is not None:
            return RefreshProblem.REVOKED
        if doc["expires_at"] <= now:
            return RefreshProblem.EXPIRED
        try:
            await self.uses.insert_one({"_id": doc["_id"], "used_at": now})
        except DuplicateKeyError:
            await self.revoke_family(doc["family_id"])
            return RefreshProblem.REUSED
        if await self.revocations.find_one({"_id": doc["family_id"]}) is not None:
            return RefreshProblem.REVOKED
        return Consumed(user_id=doc["user_id"], family_id=doc["family_id"])

    async def family_of(self, token: str) -> str | None:
        doc = await self.collection.find_one({"_id": digest(token)})
        return None if doc is None else str(doc["family_id"])

    async def revoke_family(self, family_id: str) -> None:
        try:
            await self.revocations.insert_one({"_id": family_id, "revoked_at": utcnow()})
        except DuplicateKeyError:
            pass

    async def revoke_user(self, user_id: str) -> None:
        """Logout everywhere: every family this user has opened so far."""
        families = {d["family_id"] async for d in self.collection.find({"user_id": user_id})}
        for family_id in families:
            await self.revoke_family(family_id)
