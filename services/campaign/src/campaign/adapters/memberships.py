"""Who belongs to which organisation: the kernel's membership projection of organisation.events."""

from __future__ import annotations

from typing import Any, cast

from pymongo.asynchronous.database import AsyncDatabase

from campaign.application.ports import Role
from orga_shared.membership import MembershipDirectory


class ProjectedMemberships:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.directory = MembershipDirectory(db)

    async def role_of(self, user_id: str, organisation_id: str) -> Role | None:
        return await self.directory.role_of(user_id, organisation_id)

    async def members_of(self, organisation_id: str) -> dict[str, Role]:
        found = self.directory.memberships.find(
            {"organisation_id": organisation_id, "active": True}
        )
        return {doc["user_id"]: cast(Role, doc["role"]) async for doc in found}
