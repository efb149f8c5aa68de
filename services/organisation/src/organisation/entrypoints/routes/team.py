"""Team page: members, roles, removal, leaving, invitations (admins manage, members read)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from organisation.application import team as uc
from organisation.entrypoints.routes.deps import Ctx, CurrentActor

router = APIRouter(prefix="/organisations/{organisation_id}", tags=["team"])


class Invite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    emails: str = Field(max_length=20000, description="adresses séparées par des virgules")
    role: Literal["ADMIN", "MEMBER"] | None = None


class RoleChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: str = Field(max_length=20)


@router.get("/memberships", summary="Membres de l'équipe")
async def members(
    organisation_id: str,
    ctx: Ctx,
    actor: CurrentActor,
    role: Literal["ADMIN", "MEMBER"] | None = Query(None),
) -> dict[str, Any]:
    return {"data": await uc.members(ctx, organisation_id, actor, role)}


@router.patch("/memberships/{membership_id}", summary="Modifier le rôle d'un membre")
async def change_role(
    organisation_id: str, membership_id: str, body: RoleChange, ctx: Ctx, actor: CurrentActor
) -> dict[str, Any]:
    return await uc.change_role(ctx, organisation_id, membership_id, body.role, actor)


@router.delete(
    "/memberships/{membership_id}", status_code=204, summary="Retirer un membre de l'équipe"
)
async def remove(
    organisation_id: str, membership_id: str, ctx: Ctx, actor: CurrentActor
) -> Response:
    await uc.remove_member(ctx, organisation_id, membership_id, actor)
    return Response(status_code=204)


@router.post("/leave", status_code=204, summary="Quitter cet espace Pix Orga")
async def leave(organisation_id: str, ctx: Ctx, actor: CurrentActor) -> Response:
    await uc.leave(ctx, organisation_id, str(actor.user_id))
    return Response(status_code=204)


@router.post("/invitations", status_code=201, summary="Inviter un ou plusieurs membres")
async def invite(
    organisation_id: str, body: Invite, ctx: Ctx, actor: CurrentActor
) -> dict[str, Any]:
    return {"data": await uc.send_invitations(ctx, organisation_id, actor, body.emails, body.role)}


@router.get("/invitations", summary="Invitations en attente")
async def pending(organisation_id: str, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return {"data": await uc.pending_invitations(ctx, organisation_id, actor)}


@router.post("/invitations/{invitation_id}/resend", summary="Renvoyer l'invitation")
async def resend(
    organisation_id: str, invitation_id: str, ctx: Ctx, actor: CurrentActor
) -> dict[str, Any]:
    return await uc.resend_invitation(ctx, organisation_id, invitation_id, actor)


@router.delete("/invitations/{invitation_id}", status_code=204, summary="Supprimer l'invitation")
async def cancel(
    organisation_id: str, invitation_id: str, ctx: Ctx, actor: CurrentActor
) -> Response:
    await uc.cancel_invitation(ctx, organisation_id, invitation_id, actor)
    return Response(status_code=204)
