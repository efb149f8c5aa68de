"""The status view of learners (`state`, `user_id`), applied from roster events by `LocalViews`.

Kept on the learner documents themselves and guarded by `status_version` (the roster stream's
version), so a redelivered or late event changes nothing. Deleting or erasing a learner frees
its natural key (`key: "~deleted~<id>"`), so the same student can be imported again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.clock import utcnow
from organisation.adapters.learners import COLLECTION, PERSONAL_FIELDS


def _state_change(learner_id: str, state: str, version: int) -> dict[str, Any]:
    change: dict[str, Any] = {"state": state, "status_version": version}
    if state in ("deleted", "erased"):
        change["key"] = f"~{state}~{learner_id}"
    return change


class LearnerStatusView:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.learners: AsyncCollection[dict[str, Any]] = db[COLLECTION]

    async def set_state(self, ids: Sequence[str], state: str, version: int) -> None:
        """One `update_many` per batch of ids (`_id $in`, served by the `_id` index)."""
        if not ids:
            return
        if state in ("deleted", "erased"):
            for learner_id in ids:  # each needs its own freed key; deletions are rare
                await self.learners.update_one(
                    {"_id": learner_id, "status_version": {"$lt": version}},
                    {"$set": _state_change(learner_id, state, version)},
                )
            return
        await self.learners.update_many(
            {"_id": {"$in": list(ids)}, "status_version": {"$lt": version}},
            {"$set": {"state": state, "status_version": version}},
        )

    async def set_user(self, learner_id: str, user_id: str, version: int) -> None:
        await self.learners.update_one(
            {"_id": learner_id, "status_version": {"$lt": version}},
            {"$set": {"user_id": user_id, "status_version": version}},
        )

    async def erase(self, learner_id: str, version: int) -> None:
        """Drop personal data and flag a tombstone for the profile topic (idempotent)."""
        await self.learners.update_one(
            {"_id": learner_id, "state": {"$ne": "erased"}},
            {
                "$set": {
                    **dict.fromkeys(PERSONAL_FIELDS),
                    "sort_name": "",
                    "tombstone": True,
                    "published": False,
                    "updated_at": utcnow(),
                    **_state_change(learner_id, "erased", version),
                },
                "$inc": {"profile_version": 1},
            },
        )
