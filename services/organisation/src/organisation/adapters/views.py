"""Local views of the service's own events: memberships, organisations, invitation statuses,
learner statuses.

Applied twice on purpose: inline right after each append (read-your-writes for the user who
acted) and by a consumer of `organisation.events` (repairs a crash between append and view
update). Every update is guarded by the stream version, so the second application is a no-op.
The views are given as the small Protocols below, so the application tests run this same
dispatch on their in-memory stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from orga_shared.events.envelope import DomainEvent, Envelope
from organisation.domain.events import (
    InvitationAccepted,
    InvitationCancelled,
    InvitationResent,
    LearnerErased,
    LearnerReconciled,
    LearnersAdded,
    LearnersDeleted,
    LearnersDisabled,
    LearnersReactivated,
    MemberInvited,
    OrganisationCreated,
)

_LEARNER_STATES: dict[type[DomainEvent], str] = {
    LearnersAdded: "active",
    LearnersReactivated: "active",
    LearnersDisabled: "disabled",
    LearnersDeleted: "deleted",
}


class MembershipView(Protocol):
    async def handle(self, envelope: Envelope, event: DomainEvent) -> None: ...


class OrganisationRows(Protocol):
    async def upsert(self, organisation_id: str, version: int, fields: dict[str, Any]) -> None: ...


class InvitationStatuses(Protocol):
    async def apply(self, invitation_id: str, version: int, changes: dict[str, Any]) -> None: ...


class LearnerStatuses(Protocol):
    async def set_state(self, ids: Sequence[str], state: str, version: int) -> None: ...

    async def set_user(self, learner_id: str, user_id: str, version: int) -> None: ...

    async def erase(self, learner_id: str, version: int) -> None: ...


class LocalViews:
    def __init__(
        self,
        memberships: MembershipView,
        organisations: OrganisationRows,
        invitations: InvitationStatuses,
        learners: LearnerStatuses,
    ) -> None:
        self.memberships = memberships
        self.organisations = organisations
        self.invitations = invitations
        self.learners = learners

    async def apply_all(self, pairs: Sequence[tuple[Envelope, DomainEvent]]) -> None:
        for envelope, event in pairs:
            await self.handle(envelope, event)

    async def handle(self, envelope: Envelope, event: DomainEvent) -> None:
        """Consumer handler (also called inline); idempotent."""
        await self.memberships.handle(envelope, event)
        version = envelope.stream_version
        match event:
            case OrganisationCreated():
                fields = event.model_dump(exclude={"organisation_id", "created_by"})
                fields["created_at"] = envelope.occurred_at
                await self.organisations.upsert(event.organisation_id, version, fields)
            case MemberInvited():
                await self.invitations.apply(
                    event.invitation_id,
                    version,
                    {
                        "status": "pending",
                        "role": event.role,
                        "last_sent_at": envelope.occurred_at,
                        "expires_at": event.expires_at,
                    },
                )
            case InvitationResent():
                await self.invitations.apply(
                    event.invitation_id,
                    version,
                    {"last_sent_at": envelope.occurred_at, "expires_at": event.expires_at},
                )
            case InvitationCancelled():
                await self.invitations.apply(event.invitation_id, version, {"status": "cancelled"})
            case InvitationAccepted():
                await self.invitations.apply(
                    event.invitation_id,
                    version,
                    {"status": "accepted", "accepted_by": event.user_id},
                )
            case LearnersAdded() | LearnersReactivated() | LearnersDisabled() | LearnersDeleted():
                state = _LEARNER_STATES[type(event)]
                await self.learners.set_state(event.learner_ids, state, version)
            case LearnerReconciled():
                await self.learners.set_user(event.learner_id, event.user_id, version)
            case LearnerErased():
                await self.learners.erase(event.learner_id, version)
