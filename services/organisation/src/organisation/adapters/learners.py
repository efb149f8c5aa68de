"""The learners collection: personal data of imported learners, and the reads of the use cases.

Personal data is written here by imports (it is the service's own store, erasable); the
`state` and `user_id` fields are a view of the roster stream (`learner_status.py`). A new
learner is `pending` until its `LearnersAdded` is applied, so a failed import never shows half
a file. `published` / `profile_version` drive the profile outbox (`profiles.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from pymongo import ASCENDING, UpdateOne
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.clock import utcnow
from orga_shared.names import normalise
from organisation.domain.learners import LearnerRecord

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
COLLECTION = "learners"


def imported_fields(
    record: LearnerRecord, organisation_id: str, import_id: str, now: datetime
) -> dict[str, Any]:
    """What an import writes on a learner document (new or known)."""
    data = asdict(record)
    data.pop("line")
    return {
        **data,
        "birthdate": record.birthdate.isoformat(),
        "organisation_id": organisation_id,
        "sort_name": f"{normalise(record.last_name)} {normalise(record.first_name)}",
        "import_id": import_id,
        "published": False,
        "updated_at": now,
    }


def new_learner_fields(now: datetime) -> dict[str, Any]:
    """A new learner: pending (invisible) until its `LearnersAdded` is applied."""
    return {
        "state": "pending",
        "status_version": 0,
        "user_id": None,
        "certificability": "not-available",
        "created_at": now,
    }


class LearnerStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.learners: AsyncCollection[dict[str, Any]] = db[COLLECTION]

    async def ensure_indexes(self) -> None:
        await self.learners.create_index(
            [("organisation_id", ASCENDING), ("key", ASCENDING)], unique=True, name="natural_key"
        )
        await self.learners.create_index(
            [("organisation_id", ASCENDING), ("state", ASCENDING), ("sort_name", ASCENDING)],
            name="listing",
        )
        await self.learners.create_index([("user_id", ASCENDING)], name="by_user")
        async for index in await self.learners.list_indexes():
            if index["name"] == "unpublished" and list(index["key"]) == ["published"]:
                # the profile outbox's index is now (published, updated_at), same name
                await self.learners.drop_index("unpublished")

    async def ids_by_key(self, organisation_id: str) -> dict[str, str]:
        """Natural key -> learner id of every learner not deleted (pending ones included, so
        an import run again after a crash reuses the same ids)."""
        cursor = self.learners.find(
            {"organisation_id": organisation_id, "state": {"$in": list(LIVE)}},
            projection={"key": 1},
        )
        return {doc["key"]: doc["_id"] async for doc in cursor}

    async def write_profiles(
        self,
        organisation_id: str,
        import_id: str,
        records: Sequence[LearnerRecord],
        ids: Sequence[str],
    ) -> None:
        """Upsert the personal data of an import; bumps `profile_version` for the relay."""
        now = utcnow()
        operations = [
            UpdateOne(
                {"_id": learner_id},
                {
                    "$set": imported_fields(record, organisation_id, import_id, now),
                    "$inc": {"profile_version": 1},
                    "$setOnInsert": new_learner_fields(now),
                },
                upsert=True,
            )
            for record, learner_id in zip(records, ids, strict=True)
        ]
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

    async def with_ine(
        self, organisation_id: str, national_student_id: str
    ) -> list[dict[str, Any]]:
        cursor = self.learners.find(
            {
                "organisation_id": organisation_id,
                "national_student_id": national_student_id,
                "state": "active",
            }
        )
        return [doc async for doc in cursor]
