"""Single use of SSO assertions: each `(issuer, jti)` is remembered until the assertion expires."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from orga_shared.clock import utcnow


class AssertionReplayGuard:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = db["sso_assertions_seen"]
        self._calls = 0

    async def first_use(self, issuer: str, jti: str, expires_at: datetime) -> bool:
        self._calls += 1
        if self._calls % 100 == 0:
            await self.collection.delete_many({"expires_at": {"$lt": utcnow()}})
        try:
            await self.collection.insert_one({"_id": f"{issuer}:{jti}", "expires_at": expires_at})
            return True
        except DuplicateKeyError:
            return False
