"""Invitations' private side: the invitee's e-mail and the link's code, never in events.

The status shown in lists is a view of the organisation stream (kept by `LocalViews`); a
document starts as a draft, before its `MemberInvited` is appended, so a failed append leaves
only an invisible draft and never an e-mail without an event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase


def draft(
    invitation_id: str, organisation_id: str, email: str, code: str, now: datetime
) -> dict[str, Any]:
    return {
        "_id": invitation_id,
        "organisation_id": organisation_id,
        "email": email,
        "code": code,
        "status": "draft",
        "created_at": now,
        "version": 0,
    }


class InvitationStore:
    def __init__(self, db: AsyncDatabase[dict[str, Any]]) -> None:
        self.invitations: AsyncCollection[dict[str, Any]] = db["invitations"]

    async def ensure_indexes(self) -> None:
        await self.invitations.create_index(
            [("organisation_id", ASCENDING), ("email", ASCENDING), ("status", ASCENDING)],
            name="by_organisation_email",
        )

    async def pending_for(self, organisation_id: str, email: str) -> dict[str, Any] | None:
        return await self.invitations.find_one(
            {"organisation_id": organisation_id, "email": email, "status": "pending"}
        )

    async def add_draft(
        self, invitation_id: str, organisation_id: str, email: str, code: str, now: datetime
    ) -> None:
        await self.invitations.insert_one(draft(invitation_id, organisation_id, email, code, now))

    async def get(self, invitation_id: str) -> dict[str, Any] | None:
        return await self.invitations.find_one({"_id": invitation_id})

    async def pending(self, organisation_id: str) -> list[dict[str, Any]]:
        cursor = self.invitations.find(
            {"organisation_id": organisation_id, "status": "pending"}
        ).sort([("last_sent_at", DESCENDING), ("_id", ASCENDING)])
        return [doc async for doc in cursor]

    async def apply(self, invitation_id: str, version: int, changes: dict[str, Any]) -> None:
        """Stream-version-guarded update from an event (idempotent, order-safe)."""
        await self.invitations.update_one(
            {"_id": invitation_id, "version": {"$lt": version}},
            {"$set": {**changes, "version": version}},
        )
