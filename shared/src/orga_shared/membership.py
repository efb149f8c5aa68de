"""Local projection of organisation memberships, for any service that authorises by team role.

A service keeps its own copy of who belongs to which organisation (docs/design.md §1) by registering
`MembershipProjection.handle` on `organisation.events`:

    projection = MembershipProjection(runtime.db)
    runtime.subscribe(name="memberships", topics=["organisation.events"],
                      handler=projection.handle, event_types=MEMBERSHIP_EVENT_TYPES)
    app.state.membership_directory = MembershipDirectory(runtime.db)

then protects routes with `Depends(require_member(roles=("ADMIN",)))`
(`orga_shared.http.membership`). Every membership event of
one organisation comes from the same stream, so its stream version orders them: a document
remembers the version that last wrote it and older or replayed events change nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, cast

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from orga_shared.contracts.organisation import (
    MembershipCreated,
    MembershipRevoked,
    MembershipRoleChanged,
)
from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.http.auth import Principal
from orga_shared.http.errors import ApiError

Role = Literal["ADMIN", "MEMBER"]
ALL_ROLES: tuple[Role, ...] = ("ADMIN", "MEMBER")
MEMBERSHIP_EVENT_TYPES = ("MembershipCreated", "MembershipRoleChanged", "MembershipRevoked")
COLLECTION = "memberships"


def membership_key(organisation_id: str, user_id: str) -> str:
    return f"{organisation_id}|{user_id}"


class MembershipProjection:
    """Idempotent upserts keyed by (organisation, user), guarded by the stream version."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], collection: str = COLLECTION) -> None:
        self.memberships: AsyncCollection[dict[str, Any]] = db[collection]

    async def ensure_indexes(self) -> None:
        await self.memberships.create_index(
            [("user_id", ASCENDING), ("active", ASCENDING)], name="by_user"
        )
        await self.memberships.create_index(
            [("organisation_id", ASCENDING), ("active", ASCENDING)], name="by_organisation"
        )

    async def handle(self, envelope: Envelope, event: DomainEvent) -> None:
        """Consumer handler; anything that is not a membership event is ignored."""
        changes: dict[str, Any]
        if isinstance(event, MembershipCreated):
            changes = {"role": event.role, "active": True, "membership_id": event.membership_id}
        elif isinstance(event, MembershipRoleChanged):
            changes = {"role": event.role, "active": True, "membership_id": event.membership_id}
        elif isinstance(event, MembershipRevoked):
            changes = {"active": False, "membership_id": event.membership_id}
        else:
            return
        await self._apply(event.organisation_id, event.user_id, envelope, changes)

    async def _apply(
        self, organisation_id: str, user_id: str, envelope: Envelope, changes: dict[str, Any]
    ) -> None:
        key = membership_key(organisation_id, user_id)
        document = {
            **changes,
            "organisation_id": organisation_id,
            "user_id": user_id,
            "version": envelope.stream_version,
            "updated_at": envelope.occurred_at,
        }
        try:
            await self.memberships.update_one(
                {"_id": key, "version": {"$lt": envelope.stream_version}},
                {"$set": document},
                upsert=True,
            )
        except DuplicateKeyError:
            pass  # the document already reflects this version or a later one


class MembershipDirectory:
    """Read side of the projection: who may do what in an organisation."""

    def __init__(self, db: AsyncDatabase[dict[str, Any]], collection: str = COLLECTION) -> None:
        self.memberships: AsyncCollection[dict[str, Any]] = db[collection]

    async def role_of(self, user_id: str, organisation_id: str) -> Role | None:
        doc = await self.memberships.find_one(
            {"_id": membership_key(organisation_id, user_id), "active": True},
            projection={"role": 1},
        )
        return cast(Role, doc["role"]) if doc else None

    async def organisations_of(self, user_id: str) -> dict[str, Role]:
        """Active memberships of a user: organisation id -> role."""
        cursor = self.memberships.find({"user_id": user_id, "active": True})
        return {doc["organisation_id"]: cast(Role, doc["role"]) async for doc in cursor}

    async def check(
        self, principal: Principal, organisation_id: str, roles: Iterable[Role] = ALL_ROLES
    ) -> Role | None:
        """The caller's role, or ApiError 403; platform admins pass (and get None)."""
        if principal.is_platform_admin:
            return None
        allowed = frozenset(roles)
        role = await self.role_of(principal.user_id, organisation_id)
        if role is None:
            raise ApiError(403, "NOT_A_MEMBER", "Vous n'êtes pas membre de cette organisation.")
        if role not in allowed:
            raise ApiError(
                403,
                "FORBIDDEN_ROLE",
                "Cette action est réservée aux administrateurs de l'organisation.",
            )
        return role
