"""The learners collection: personal data of imported learners plus their status view.

Personal data is written here by imports (it is the service's own store, erasable); the
`state` and `user_id` fields are a view of the roster stream kept by `LocalViews`, guarded by
`status_version`. A new learner is `pending` until its `LearnersAdded` is applied, so a failed
import never shows half a file. `published` / `profile_version` drive the profile relay.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any

from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from organisation.domain.learners import LearnerRecord
from organisation.domain.names import normalise

PERSONAL_FIELDS = (
    "first_name",
    "middle_name",
    "third_name",
    "last_name",
    "preferred_last_name",
    "birthdate",
    "sex",
    "national_student_id",
    "student_number",
    "email",
    "birth_city",
    "birth_city_code",
    "birth_province_code",
    "birth_country_code",
)
LIVE = ("pending", "active", "disabled")


def _now() -> datetime:
    return datetime.now(UTC)


class LearnerStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.learners: AsyncCollection[dict[str, Any]] = db["learners"]
        self.locks: AsyncCollection[dict[str, Any]] = db["import_locks"]

    async def ensure_indexes(self) -> None:
        await self.learners.create_index(
            [("organisation_id", ASCENDING), ("key", ASCENDING)], unique=True, name="natural_key"
        )
        await self.learners.create_index(
            [("organisation_id", ASCENDING), ("state", ASCENDING), ("sort_name", ASCENDING)],
            name="listing",
        )
        await self.learners.create_index([("user_id", ASCENDING)], name="by_user")
        await self.learners.create_index([("published", ASCENDING)], name="unpublished")

    async def ids_by_key(self, organisation_id: str) -> dict[str, str]:
        """Natural key -> learner id of every learner not deleted (pending ones included, so
        an import run again after a crash reuses the same ids)."""
        cursor = self.learners.find(
            {"organisation_id": organisation_id, "state": {"$in": list(LIVE)}},
            projection={"key": 1},
        )
        return {doc["key"]: doc["_id"] async for doc in cursor}

    def assign_ids(self, records: Sequence[LearnerRecord], known: dict[str, str]) -> list[str]:
        return [known.get(r.key) or str(uuid.uuid4()) for r in records]

    async def write_profiles(
        self,
        organisation_id: str,
        import_id: str,
        records: Sequence[LearnerRecord],
        ids: Sequence[str],
    ) -> None:
        """Upsert the personal data of an import; bumps `profile_version` for the relay."""
        now = _now()
        operations = []
        for record, learner_id in zip(records, ids, strict=True):
            data = asdict(record)
            data.pop("line")
            data["birthdate"] = record.birthdate.isoformat()
            operations.append(
                UpdateOne(
                    {"_id": learner_id},
                    {
                        "$set": {
                            **data,
                            "organisation_id": organisation_id,
                            "sort_name": f"{normalise(record.last_name)} "
                            f"{normalise(record.first_name)}",
                            "import_id": import_id,
                            "published": False,
                            "updated_at": now,
                        },
                        "$inc": {"profile_version": 1},
                        "$setOnInsert": {
                            "state": "pending",
                            "status_version": 0,
                            "user_id": None,
                            "certificability": "not-available",
                            "created_at": now,
                        },
                    },
                    upsert=True,
                )
            )
        for start in range(0, len(operations), 500):
            await self.learners.bulk_write(operations[start : start + 500], ordered=False)

    async def get(self, learner_id: str) -> dict[str, Any] | None:
        return await self.learners.find_one({"_id": learner_id})

    async def page(
        self,
        organisation_id: str,
        *,
        divisions: Iterable[str] = (),
        groups: Iterable[str] = (),
        certificability: Iterable[str] = (),
    ) -> list[dict[str, Any]]:
        """Active learners matching the exact filters, sorted by last then first name."""
        query: dict[str, Any] = {"organisation_id": organisation_id, "state": "active"}
        if divisions := list(divisions):
            query["division"] = {"$in": divisions}
        if groups := list(groups):
            query["group"] = {"$in": groups}
        if certificability := list(certificability):
            query["certificability"] = {"$in": certificability}
        cursor = self.learners.find(query).sort([("sort_name", ASCENDING), ("_id", ASCENDING)])
        return [doc async for doc in cursor]

    async def distinct_values(self, organisation_id: str, field: str) -> list[str]:
        values = await self.learners.distinct(
            field, {"organisation_id": organisation_id, "state": "active"}
        )
        return sorted(v for v in values if v)

    async def candidates(self, organisation_id: str, birthdate: date) -> list[dict[str, Any]]:
        cursor = self.learners.find(
            {
                "organisation_id": organisation_id,
                "state": "active",
                "birthdate": birthdate.isoformat(),
            }
        )
        return [doc async for doc in cursor]

    async def linked_to(self, user_id: str) -> list[dict[str, Any]]:
        cursor = self.learners.find({"user_id": user_id, "state": {"$in": list(LIVE)}})
        return [doc async for doc in cursor]

    async def same_ine_elsewhere(
        self, national_student_id: str, organisation_id: str
    ) -> list[dict[str, Any]]:
        cursor = self.learners.find(
            {
                "national_student_id": national_student_id,
                "organisation_id": {"$ne": organisation_id},
                "state": {"$in": list(LIVE)},
            }
        )
        return [doc async for doc in cursor]

    async def count(self, query: dict[str, Any]) -> int:
        return await self.learners.count_documents(query)

    # --- status view, applied from roster events ------------------------------------------

    async def set_state(self, ids: Sequence[str], state: str, version: int) -> None:
        """One `update_many` per batch of ids (`_id $in`, served by the `_id` index)."""
        if not ids:
            return
        if state in ("deleted", "erased"):
            for learner_id in ids:  # each needs its own freed key; deletions are rare
                await self.learners.update_one(
                    {"_id": learner_id, "status_version": {"$lt": version}},
                    {"$set": self._state_change(learner_id, state, version)},
                )
            return
        await self.learners.update_many(
            {"_id": {"$in": list(ids)}, "status_version": {"$lt": version}},
            {"$set": {"state": state, "status_version": version}},
        )

    @staticmethod
    def _state_change(learner_id: str, state: str, version: int) -> dict[str, Any]:
        change: dict[str, Any] = {"state": state, "status_version": version}
        if state in ("deleted", "erased"):
            change["key"] = f"~{state}~{learner_id}"  # frees the natural key for a new learner
        return change

    async def set_user(self, learner_id: str, user_id: str, version: int) -> None:
        await self.learners.update_one(
            {"_id": learner_id, "status_version": {"$lt": version}},
            {"$set": {"user_id": user_id, "status_version": version}},
        )

    async def erase(self, learner_id: str, version: int) -> None:
        """Drop personal data and queue a tombstone for the profile topic (idempotent)."""
        await self.learners.update_one(
            {"_id": learner_id, "state": {"$ne": "erased"}},
            {
                "$set": {
                    **dict.fromkeys(PERSONAL_FIELDS),
                    "sort_name": "",
                    "tombstone": True,
                    "published": False,
                    "updated_at": _now(),
                    **self._state_change(learner_id, "erased", version),
                },
                "$inc": {"profile_version": 1},
            },
        )

    # --- import lock --------------------------------------------------------------------

    async def lock(self, organisation_id: str, import_id: str, ttl_seconds: float) -> bool:
        """One import at a time per organisation; a crashed holder's lock expires."""
        now = _now()
        await self.locks.delete_one({"_id": organisation_id, "expires_at": {"$lt": now}})
        try:
            await self.locks.insert_one(
                {
                    "_id": organisation_id,
                    "import_id": import_id,
                    "expires_at": datetime.fromtimestamp(now.timestamp() + ttl_seconds, UTC),
                }
            )
        except DuplicateKeyError:
            return False
        return True

    async def unlock(self, organisation_id: str, import_id: str) -> None:
        await self.locks.delete_one({"_id": organisation_id, "import_id": import_id})
