"""Invitations' rules (docs/domain/pix-orga.md §6.3): send or re-send, cancel, accept.

An invitation's role null means "automatic": ADMIN for the first member, MEMBER after; an
invitation may promote an existing member, never demote an admin.
"""

from __future__ import annotations

from orga_shared.contracts.organisation import Role
from orga_shared.events.envelope import DomainEvent
from organisation.domain.access import require_admin
from organisation.domain.commands import AcceptInvitation, CancelInvitation, SendInvitations
from organisation.domain.errors import Conflict, DomainError, Gone, NotFound
from organisation.domain.events import (
    InvitationAccepted,
    InvitationCancelled,
    InvitationResent,
    MemberInvited,
    MembershipCreated,
    MembershipRoleChanged,
)
from organisation.domain.organisation import Invitation, Organisation


def send(state: Organisation, org_id: str, cmd: SendInvitations) -> list[DomainEvent]:
    require_admin(state, cmd.actor)
    if not cmd.invitations:
        raise DomainError("EMAIL_REQUIRED", "Saisissez au moins une adresse e-mail.", "emails")
    expires_at = cmd.now + cmd.ttl if cmd.ttl is not None else None
    events: list[DomainEvent] = []
    for item in cmd.invitations:
        if item.resend:
            if invitation_of(state, item.invitation_id).status != "pending":
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


def cancel(state: Organisation, org_id: str, cmd: CancelInvitation) -> list[DomainEvent]:
    require_admin(state, cmd.actor)
    invitation = invitation_of(state, cmd.invitation_id)
    if invitation.status != "pending":
        raise Conflict(
            "UNCANCELLABLE_ORGANIZATION_INVITATION",
            "Seule une invitation en attente peut être supprimée.",
        )
    return [
        InvitationCancelled(
            organisation_id=org_id,
            invitation_id=invitation.invitation_id,
            cancelled_by=cmd.actor.user_id,
        )
    ]


def accept(state: Organisation, org_id: str, cmd: AcceptInvitation) -> list[DomainEvent]:
    invitation = invitation_of(state, cmd.invitation_id)
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


def invitation_of(state: Organisation, invitation_id: str) -> Invitation:
    invitation = state.invitations.get(invitation_id)
    if invitation is None:
        raise NotFound("INVITATION_NOT_FOUND", "Invitation introuvable.")
    return invitation
