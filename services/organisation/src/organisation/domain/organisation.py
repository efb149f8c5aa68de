"""Organisation aggregate state and `evolve`: settings, team and invitations of one organisation.

The state holds ids, roles and statuses only; invitees' e-mails and codes live beside it in the
service's own collection because they are personal data or secrets (ADR 0007).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from orga_shared.contracts.organisation import Role
from orga_shared.events.envelope import DomainEvent
from organisation.domain.events import (
    InvitationAccepted,
    InvitationCancelled,
    InvitationResent,
    MemberInvited,
    MembershipCreated,
    MembershipRevoked,
    MembershipRoleChanged,
    OrganisationCreated,
)

InvitationStatus = Literal["pending", "accepted", "cancelled"]
ORGANISATION_TYPES = ("SCO", "SUP", "PRO", "SCO-1D")
ROLES: tuple[Role, ...] = ("ADMIN", "MEMBER")


@dataclass(frozen=True)
class Member:
    membership_id: str
    user_id: str
    role: Role
    active: bool = True


@dataclass(frozen=True)
class Invitation:
    invitation_id: str
    role: Role | None
    status: InvitationStatus = "pending"
    expires_at: datetime | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at


@dataclass(frozen=True)
class Organisation:
    organisation_id: str | None = None
    name: str = ""
    type: str = ""
    external_id: str | None = None
    is_managing_students: bool = False
    members: dict[str, Member] = field(default_factory=dict)
    """Latest membership of each user, by user id (revoked ones kept, inactive)."""
    invitations: dict[str, Invitation] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.organisation_id is not None

    def member(self, user_id: str) -> Member | None:
        found = self.members.get(user_id)
        return found if found is not None and found.active else None

    def membership(self, membership_id: str) -> Member | None:
        for member in self.members.values():
            if member.membership_id == membership_id and member.active:
                return member
        return None

    def active_members(self) -> list[Member]:
        return [m for m in self.members.values() if m.active]

    def admin_count(self) -> int:
        return sum(1 for m in self.active_members() if m.role == "ADMIN")


def evolve(state: Organisation, event: DomainEvent) -> Organisation:
    """Pure fold step; unknown event types leave the state as it is (forward compatible)."""
    match event:
        case OrganisationCreated():
            return replace(
                state,
                organisation_id=event.organisation_id,
                name=event.name,
                type=event.type,
                external_id=event.external_id,
                is_managing_students=event.is_managing_students,
            )
        case MemberInvited():
            invitation = Invitation(event.invitation_id, event.role, "pending", event.expires_at)
            return _with_invitation(state, invitation)
        case InvitationResent():
            current = state.invitations[event.invitation_id]
            return _with_invitation(state, replace(current, expires_at=event.expires_at))
        case InvitationCancelled():
            current = state.invitations[event.invitation_id]
            return _with_invitation(state, replace(current, status="cancelled"))
        case InvitationAccepted():
            current = state.invitations[event.invitation_id]
            return _with_invitation(state, replace(current, status="accepted"))
        case MembershipCreated():
            member = Member(event.membership_id, event.user_id, event.role, True)
            return _with_member(state, member)
        case MembershipRoleChanged():
            return _with_member(state, replace(state.members[event.user_id], role=event.role))
        case MembershipRevoked():
            return _with_member(state, replace(state.members[event.user_id], active=False))
    return state


def _with_invitation(state: Organisation, invitation: Invitation) -> Organisation:
    return replace(state, invitations={**state.invitations, invitation.invitation_id: invitation})


def _with_member(state: Organisation, member: Member) -> Organisation:
    return replace(state, members={**state.members, member.user_id: member})
