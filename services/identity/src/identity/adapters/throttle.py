"""Persistence of the login throttle (`domain.lockout`) with compare-and-set on a version.

Counters of failed logins are operational security state, not history: they are overwritten,
never published; only the resulting lock becomes an event (`UserLocked`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from identity.domain.lockout import Throttle


def _to_doc(state: Throttle) -> dict[str, Any]:
    return {
        "failures": state.failures,
        "pending": [{"id": a, "at": at} for a, at in state.pending],
        "lock_level": state.lock_level,
        "locked_until": state.locked_until,
    }


def _from_doc(doc: dict[str, Any]) -> Throttle:
    return Throttle(
        failures=doc.get("failures", 0),
        pending=tuple((p["id"], p["at"]) for p in doc.get("pending", [])),
        lock_level=doc.get("lock_level", 0),
        locked_until=doc.get("locked_until"),
    )


class ThrottleStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.collection: AsyncCollection[dict[str, Any]] = db["login_throttle"]

    async def load(self, user_id: str) -> tuple[Throttle, int]:
        doc = await self.collection.find_one({"_id": user_id})
        return (Throttle(), 0) if doc is None else (_from_doc(doc), int(doc["v"]))

    async def save(self, user_id: str, state: Throttle, expected: int) -> bool:
        """Write `state` if nobody wrote since version `expected`; False means reload and retry."""
        if expected == 0:
            try:
                await self.collection.insert_one({"_id": user_id, "v": 1, **_to_doc(state)})
                return True
            except DuplicateKeyError:
                return False
        result = await self.collection.update_one(
            {"_id": user_id, "v": expected}, {"$set": {**_to_doc(state), "v": expected + 1}}
        )
        return result.modified_count == 1

    async def clear(self, user_id: str) -> None:
        await self.collection.delete_one({"_id": user_id})


def locked_until(state: Throttle, now: datetime) -> datetime | None:
    return state.locked_until if state.is_locked(now) else None
