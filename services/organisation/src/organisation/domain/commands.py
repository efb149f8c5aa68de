"""What a user can ask of an organisation: the commands `decide` takes, and who asks.

Every command names its actor: the organisation service authorises from the aggregate's own
state (docs/domain/pix-orga.md §6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from orga_shared.contracts.organisation import Role


@dataclass(frozen=True)
class Actor:
    """Who issues a command: a user, possibly a platform admin; the CLI is a platform admin."""

    user_id: str | None
    platform_admin: bool = False


@dataclass(frozen=True)
class CreateOrganisation:
    organisation_id: str
    name: str
    type: str
    external_id: str | None
    is_managing_students: bool
    actor: Actor


@dataclass(frozen=True)
class InvitationToSend:
    invitation_id: str
    resend: bool
    """True when a pending invitation for the same e-mail exists: it is sent again."""


@dataclass(frozen=True)
class SendInvitations:
    invitations: Sequence[InvitationToSend]
    role: Role | None
    actor: Actor
    now: datetime
    ttl: timedelta | None


@dataclass(frozen=True)
class CancelInvitation:
    invitation_id: str
    actor: Actor


@dataclass(frozen=True)
class AcceptInvitation:
    invitation_id: str
    user_id: str
    membership_id: str
    now: datetime


@dataclass(frozen=True)
class AddMember:
    """Direct membership by a platform admin (seed data, support)."""

    user_id: str
    membership_id: str
    role: Role
    actor: Actor


@dataclass(frozen=True)
class ChangeRole:
    membership_id: str
    role: str
    actor: Actor


@dataclass(frozen=True)
class RemoveMember:
    membership_id: str
    actor: Actor


@dataclass(frozen=True)
class LeaveOrganisation:
    user_id: str


Command = (
    CreateOrganisation
    | SendInvitations
    | CancelInvitation
    | AcceptInvitation
    | AddMember
    | ChangeRole
    | RemoveMember
    | LeaveOrganisation
)
