"""Read view of organisations (name, type, UAI, flags) for listings; the stream stays the truth."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError


class OrganisationView:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.organisations: AsyncCollection[dict[str, Any]] = db["organisations"]

    async def ensure_indexes(self) -> None:
        await self.organisations.create_index([("name", ASCENDING)], name="by_name")

    async def upsert(self, organisation_id: str, version: int, fields: dict[str, Any]) -> None:
        try:
            await self.organisations.update_one(
                {"_id": organisation_id, "version": {"$lt": version}},
                {"$set": {**fields, "version": version}},
                upsert=True,
            )
        except DuplicateKeyError:
            pass

    async def get(self, organisation_id: str) -> dict[str, Any] | None:
        return await self.organisations.find_one({"_id": organisation_id})

    async def many(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        cursor = self.organisations.find({"_id": {"$in": list(ids)}}).sort("name", ASCENDING)
        return [doc async for doc in cursor]

    async def all(self) -> list[dict[str, Any]]:
        return [doc async for doc in self.organisations.find({}).sort("name", ASCENDING)]
