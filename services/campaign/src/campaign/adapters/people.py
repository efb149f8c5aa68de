"""Users' names for owners, from identity's compacted `identity.user-profiles` topic.

Only first and last names are kept (data minimisation); an erased user's tombstone deletes the
document, so their name disappears from every list.
"""

from __future__ import annotations

from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.contracts.identity import USER_PROFILES_TOPIC
from orga_shared.messaging.profile_projection import ProfileProjection


def _names(value: dict[str, Any]) -> dict[str, Any]:
    return {"first_name": value.get("first_name") or "", "last_name": value.get("last_name") or ""}


class ProfilePeople:
    def __init__(self, db: AsyncDatabase[dict[str, Any]], topic: str = USER_PROFILES_TOPIC) -> None:
        self.projection = ProfileProjection(db["people"], topic, _names)

    async def names(self, user_ids: list[str]) -> dict[str, tuple[str, str]]:
        if not user_ids:
            return {}
        found = await self.projection.get_many(user_ids)
        return {uid: (d.get("first_name", ""), d.get("last_name", "")) for uid, d in found.items()}
