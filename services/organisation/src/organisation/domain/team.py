"""Commands on an organisation and `decide`: creation, invitations and the team's roles.

Rules follow the real service (docs/domain/pix-orga.md §6): invitation role null means
"automatic" (ADMIN for the first member, MEMBER after); an admin manages others but not their
own row; leaving is allowed only while another admin remains; removal disables a membership,
never erases it. The organisation service authorises from this state, so every command names
its actor.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from orga_shared.contracts.organisation import OrganisationType, Role
from orga_shared.events.envelope import DomainEvent
from organisation.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Gone,
    NotFound,
    admin_only,
    not_a_member,
)
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
from organisation.domain.organisation import (
    ORGANISATION_TYPES,
    ROLES,
    Invitation,
    Member,
    Organisation,
)

NAME_MAX = 255


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


def decide(state: Organisation, command: Command) -> list[DomainEvent]:
    """The events a command produces, or a DomainError; pure."""
    if isinstance(command, CreateOrganisation):
        return _create(state, command)
    if not state.exists:
        raise NotFound("ORGANISATION_NOT_FOUND", "Organisation introuvable.")
    org_id = str(state.organisation_id)
    match command:
        case SendInvitations():
            return _send_invitations(state, org_id, command)
        case CancelInvitation():
            require_admin(state, command.actor)
            invitation = _invitation(state, command.invitation_id)
            if invitation.status != "pending":
                raise Conflict(
                    "UNCANCELLABLE_ORGANIZATION_INVITATION",
                    "Seule une invitation en attente peut être supprimée.",
                )
            return [
                InvitationCancelled(
                    organisation_id=org_id,
                    invitation_id=invitation.invitation_id,
                    cancelled_by=command.actor.user_id,
                )
            ]
        case AcceptInvitation():
            return _accept(state, org_id, command)
        case AddMember():
            if not command.actor.platform_admin:
                raise admin_only()
            if state.member(command.user_id) is not None:
                raise Conflict("ALREADY_MEMBER", "Cet utilisateur est déjà membre.")
            return [
                MembershipCreated(
                    organisation_id=org_id,
                    membership_id=command.membership_id,
                    user_id=command.user_id,
                    role=command.role,
                    created_by=command.actor.user_id,
                )
            ]
        case ChangeRole():
            return _change_role(state, org_id, command)
        case RemoveMember():
            require_admin(state, command.actor)
            target = _membership(state, command.membership_id)
            if target.user_id == command.actor.user_id:
                raise Forbidden(
                    "CANNOT_REMOVE_SELF",
                    "Vous ne pouvez pas vous retirer vous-même ; utilisez « Quitter "
                    "cet espace Pix Orga ».",
                )
            if target.role == "ADMIN" and state.admin_count() <= 1:
                raise _last_admin()
            return [
                MembershipRevoked(
                    organisation_id=org_id,
                    membership_id=target.membership_id,
                    user_id=target.user_id,
                    revoked_by=command.actor.user_id,
                    reason="removed",
                )
            ]
        case LeaveOrganisation():
            me = state.member(command.user_id)
            if me is None:
                raise not_a_member()
            if me.role == "ADMIN" and state.admin_count() <= 1:
                raise _last_admin()
            return [
                MembershipRevoked(
                    organisation_id=org_id,
                    membership_id=me.membership_id,
                    user_id=me.user_id,
                    revoked_by=me.user_id,
                    reason="left",
                )
            ]
    raise TypeError(f"unknown command {command!r}")


def require_admin(state: Organisation, actor: Actor) -> None:
    """Admins of the organisation and platform admins; others get a 403."""
    if actor.platform_admin:
        return
    member = state.member(actor.user_id) if actor.user_id else None
    if member is None:
        raise not_a_member()
    if member.role != "ADMIN":
        raise admin_only()


def require_member(state: Organisation, actor: Actor) -> None:
    if actor.platform_admin:
        return
    if actor.user_id is None or state.member(actor.user_id) is None:
        raise not_a_member()


def _create(state: Organisation, cmd: CreateOrganisation) -> list[DomainEvent]:
    if not cmd.actor.platform_admin:
        raise Forbidden(
            "PLATFORM_ADMIN_ONLY", "Seule l'équipe de la plateforme peut créer une organisation."
        )
    if state.exists:
        raise Conflict("ORGANISATION_EXISTS", "Cette organisation existe déjà.")
    name = cmd.name.strip()
    if not name or len(name) > NAME_MAX:
        raise DomainError(
            "INVALID_NAME",
            "Le nom de l'organisation est obligatoire (255 caractères au plus).",
            "name",
        )
    if cmd.type not in ORGANISATION_TYPES:
        raise DomainError("INVALID_TYPE", "Le type doit être SCO, SUP, PRO ou SCO-1D.", "type")
    external_id = (cmd.external_id or "").strip().upper() or None
    if external_id is not None and len(external_id) > NAME_MAX:
        raise DomainError(
            "INVALID_EXTERNAL_ID", "L'identifiant externe est trop long.", "external_id"
        )
    return [
        OrganisationCreated(
            organisation_id=cmd.organisation_id,
            name=name,
            type=cast(OrganisationType, cmd.type),
            external_id=external_id,
            is_managing_students=cmd.is_managing_students,
            created_by=cmd.actor.user_id,
        )
    ]


def _send_invitations(state: Organisation, org_id: str, cmd: SendInvitations) -> list[DomainEvent]:
    require_admin(state, cmd.actor)
    if not cmd.invitations:
        raise DomainError("EMAIL_REQUIRED", "Saisissez au moins une adresse e-mail.", "emails")
    expires_at = cmd.now + cmd.ttl if cmd.ttl is not None else None
    events: list[DomainEvent] = []
    for item in cmd.invitations:
        if item.resend:
            if _invitation(state, item.invitation_id).status != "pending":
                raise Conflict("INVITATION_NOT_PENDING", "Cette invitation n'est plus en attente.")
            events.append(
                InvitationResent(
                    organisation_id=org_id,
                    invitation_id=item.invitation_id,
                    resent_by=cmd.actor.user_id,
                    expires_at=expires_at,
                )
            )
        else:
            events.append(
                MemberInvited(
                    organisation_id=org_id,
                    invitation_id=item.invitation_id,
                    role=cmd.role,
                    invited_by=cmd.actor.user_id,
                    expires_at=expires_at,
                )
            )
    return events


def _accept(state: Organisation, org_id: str, cmd: AcceptInvitation) -> list[DomainEvent]:
    invitation = _invitation(state, cmd.invitation_id)
    if invitation.status == "cancelled":
        raise Gone("CANCELLED_INVITATION", "Cette invitation a été annulée.")
    if invitation.status == "accepted":
        raise Conflict("ALREADY_ACCEPTED_INVITATION", "Cette invitation a déjà été acceptée.")
    if invitation.expired(cmd.now):
        raise Gone(
            "EXPIRED_INVITATION",
            "Cette invitation a expiré. Demandez à un administrateur de vous la renvoyer.",
        )
    existing = state.member(cmd.user_id)
    accepted = InvitationAccepted(
        organisation_id=org_id, invitation_id=invitation.invitation_id, user_id=cmd.user_id
    )
    if existing is not None:
        if invitation.role != "ADMIN" or existing.role == "ADMIN":
            return [accepted]  # an invitation may promote a member, never demote an admin
        return [
            accepted,
            MembershipRoleChanged(
                organisation_id=org_id,
                membership_id=existing.membership_id,
                user_id=cmd.user_id,
                role=invitation.role,
                changed_by=None,
            ),
        ]
    role: Role = invitation.role or ("ADMIN" if not state.active_members() else "MEMBER")
    return [
        accepted.model_copy(update={"membership_id": cmd.membership_id}),
        MembershipCreated(
            organisation_id=org_id,
            membership_id=cmd.membership_id,
            user_id=cmd.user_id,
            role=role,
            invitation_id=invitation.invitation_id,
        ),
    ]


def _change_role(state: Organisation, org_id: str, cmd: ChangeRole) -> list[DomainEvent]:
    require_admin(state, cmd.actor)
    if cmd.role not in ROLES:
        raise DomainError("INVALID_ROLE", "Le rôle doit être ADMIN ou MEMBER.", "role")
    target = _membership(state, cmd.membership_id)
    if target.user_id == cmd.actor.user_id:
        raise Forbidden("CANNOT_CHANGE_OWN_ROLE", "Vous ne pouvez pas modifier votre propre rôle.")
    if target.role == cmd.role:
        return []
    if target.role == "ADMIN" and state.admin_count() <= 1:
        raise _last_admin()
    return [
        MembershipRoleChanged(
            organisation_id=org_id,
            membership_id=target.membership_id,
            user_id=target.user_id,
            role=cmd.role,
            changed_by=cmd.actor.user_id,
        )
    ]


def _invitation(state: Organisation, invitation_id: str) -> Invitation:
    invitation = state.invitations.get(invitation_id)
    if invitation is None:
        raise NotFound("INVITATION_NOT_FOUND", "Invitation introuvable.")
    return invitation


def _membership(state: Organisation, membership_id: str) -> Member:
    member = state.membership(membership_id)
    if member is None:
        raise NotFound("MEMBERSHIP_NOT_FOUND", "Ce membre n'appartient pas à l'équipe.")
    return member


def _last_admin() -> Conflict:
    return Conflict("LAST_ADMIN", "L'organisation doit garder au moins un administrateur.")
