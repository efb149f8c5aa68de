"""Team page: members, roles, removal, leaving, invitations (admins manage, members read)."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from orga_shared.http.errors import error_responses
from organisation.application import invitations, team
from organisation.entrypoints.routes.deps import Ctx, CurrentActor
from organisation.entrypoints.routes.models import (
    EMAIL_LIST,
    Membership,
    PendingInvitationList,
    Role,
    SentInvitation,
    SentInvitationList,
    TeamMemberList,
)

router = APIRouter(prefix="/organisations/{organisation_id}", tags=["team"])


class Invite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    emails: str = Field(
        max_length=20000,
        description="adresses séparées par des virgules (100 au plus)",
        json_schema_extra={"pattern": EMAIL_LIST},
    )
    role: Role | None = None


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str = Field(max_length=20, json_schema_extra={"enum": ["ADMIN", "MEMBER"]})
    """Checked by the domain (`INVALID_ROLE`), so the code stays the real service's."""


@router.get(
    "/memberships", summary="Membres de l'équipe", responses=error_responses(401, 403, 404, 422)
)
async def members(
    organisation_id: str, ctx: Ctx, actor: CurrentActor, role: Role | None = Query(None)
) -> TeamMemberList:
    listed = await team.members(ctx, organisation_id, actor, role)
    return TeamMemberList.model_validate({"data": listed})


@router.patch(
    "/memberships/{membership_id}",
    summary="Modifier le rôle d'un membre",
    responses=error_responses(401, 403, 404, 409, 415, 422),
)
async def change_role(
    organisation_id: str, membership_id: str, body: RoleChange, ctx: Ctx, actor: CurrentActor
) -> Membership:
    changed = await team.change_role(ctx, organisation_id, membership_id, body.role, actor)
    return Membership.model_validate(changed)


@router.delete(
    "/memberships/{membership_id}",
    status_code=204,
    summary="Retirer un membre de l'équipe",
    responses=error_responses(401, 403, 404, 409),
)
async def remove(
    organisation_id: str, membership_id: str, ctx: Ctx, actor: CurrentActor
) -> Response:
    await team.remove_member(ctx, organisation_id, membership_id, actor)
    return Response(status_code=204)


@router.post(
    "/leave",
    status_code=204,
    summary="Quitter cet espace Pix Orga",
    responses=error_responses(401, 403, 404, 409),
)
async def leave(organisation_id: str, ctx: Ctx, actor: CurrentActor) -> Response:
    await team.leave(ctx, organisation_id, str(actor.user_id))
    return Response(status_code=204)


@router.post(
    "/invitations",
    status_code=201,
    summary="Inviter un ou plusieurs membres",
    responses=error_responses(401, 403, 404, 409, 415, 422),
)
async def invite(
    organisation_id: str, body: Invite, ctx: Ctx, actor: CurrentActor
) -> SentInvitationList:
    sent = await invitations.send_invitations(ctx, organisation_id, actor, body.emails, body.role)
    return SentInvitationList.model_validate({"data": sent})


@router.get(
    "/invitations", summary="Invitations en attente", responses=error_responses(401, 403, 404)
)
async def pending(organisation_id: str, ctx: Ctx, actor: CurrentActor) -> PendingInvitationList:
    listed = await invitations.pending_invitations(ctx, organisation_id, actor)
    return PendingInvitationList.model_validate({"data": listed})


@router.post(
    "/invitations/{invitation_id}/resend",
    summary="Renvoyer l'invitation",
    responses=error_responses(401, 403, 404, 409),
)
async def resend(
    organisation_id: str, invitation_id: str, ctx: Ctx, actor: CurrentActor
) -> SentInvitation:
    sent = await invitations.resend_invitation(ctx, organisation_id, invitation_id, actor)
    return SentInvitation.model_validate(sent)


@router.delete(
    "/invitations/{invitation_id}",
    status_code=204,
    summary="Supprimer l'invitation",
    responses=error_responses(401, 403, 404, 409),
)
async def cancel(
    organisation_id: str, invitation_id: str, ctx: Ctx, actor: CurrentActor
) -> Response:
    await invitations.cancel_invitation(ctx, organisation_id, invitation_id, actor)
    return Response(status_code=204)
