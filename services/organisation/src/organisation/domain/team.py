"""`decide` for an organisation: creation, the team's roles, and (in `invitations`) invitations.

Rules follow the real service (docs/domain/pix-orga.md §6): invitation role null means
"automatic" (ADMIN for the first member, MEMBER after); an admin manages others but not their
own row; leaving is allowed only while another admin remains; removal disables a membership,
never erases it. The organisation service authorises from this state, so every command names
its actor.
"""

from __future__ import annotations

from typing import cast

from orga_shared.contracts.organisation import OrganisationType
from orga_shared.events.envelope import DomainEvent
from organisation.domain import invitations
from organisation.domain.access import require_admin, require_member
from organisation.domain.commands import (
    AcceptInvitation,
    Actor,
    AddMember,
    CancelInvitation,
    ChangeRole,
    Command,
    CreateOrganisation,
    InvitationToSend,
    LeaveOrganisation,
    RemoveMember,
    SendInvitations,
)
from organisation.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    NotFound,
    admin_only,
    not_a_member,
)
from organisation.domain.events import (
    MembershipCreated,
    MembershipRevoked,
    MembershipRoleChanged,
    OrganisationCreated,
)
from organisation.domain.organisation import ORGANISATION_TYPES, ROLES, Member, Organisation

__all__ = [
    "AcceptInvitation",
    "Actor",
    "AddMember",
    "CancelInvitation",
    "ChangeRole",
    "Command",
    "CreateOrganisation",
    "InvitationToSend",
    "LeaveOrganisation",
    "RemoveMember",
    "SendInvitations",
    "decide",
    "require_admin",
    "require_member",
]

NAME_MAX = 255


def decide(state: Organisation, command: Command) -> list[DomainEvent]:
    """The events a command produces, or a DomainError; pure."""
    if isinstance(command, CreateOrganisation):
        return _create(state, command)
    if not state.exists:
        raise NotFound("ORGANISATION_NOT_FOUND", "Organisation introuvable.")
    org_id = str(state.organisation_id)
    match command:
        case SendInvitations():
            return invitations.send(state, org_id, command)
        case CancelInvitation():
            return invitations.cancel(state, org_id, command)
        case AcceptInvitation():
            return invitations.accept(state, org_id, command)
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


def _membership(state: Organisation, membership_id: str) -> Member:
    member = state.membership(membership_id)
    if member is None:
        raise NotFound("MEMBERSHIP_NOT_FOUND", "Ce membre n'appartient pas à l'équipe.")
    return member


def _last_admin() -> Conflict:
    return Conflict("LAST_ADMIN", "L'organisation doit garder au moins un administrateur.")
