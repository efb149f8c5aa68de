"""Local views of the service's own events: memberships, organisations, invitation statuses,
learner statuses.

Applied twice on purpose: inline right after each append (read-your-writes for the user who
acted) and by a consumer of `organisation.events` (repairs a crash between append and view
update). Every update is guarded by the stream version, so the second application is a no-op.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from orga_shared.events.envelope import DomainEvent, Envelope
from orga_shared.membership import MembershipDirectory, MembershipProjection
from organisation.adapters.invitations import InvitationStore
from organisation.adapters.learners import LearnerStore
from organisation.adapters.organisations import OrganisationView
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


class LocalViews:
    def __init__(
        self,
        db: AsyncDatabase[dict[str, Any]],
        organisations: OrganisationView,
        invitations: InvitationStore,
        learners: LearnerStore,
    ) -> None:
        self.memberships = MembershipProjection(db)
        self.directory = MembershipDirectory(db)
        self.organisations = organisations
        self.invitations = invitations
        self.learners = learners

    async def ensure_indexes(self) -> None:
        await self.memberships.ensure_indexes()

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
