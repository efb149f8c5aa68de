"""Organisations: creation and listing by platform admins, reading by members."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from orga_shared.http.errors import ApiError
from organisation.application import organisations as uc
from organisation.domain.team import Actor
from organisation.entrypoints.routes.deps import Ctx, CurrentActor

router = APIRouter(tags=["organisations"])


class NewOrganisation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=255)
    type: Literal["SCO", "SUP", "PRO", "SCO-1D"]
    external_id: str | None = Field(None, max_length=255, description="UAI/RNE pour SCO")
    is_managing_students: bool = False
    admin_email: str | None = Field(None, max_length=255)


class NewMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(min_length=1, max_length=100)
    role: Literal["ADMIN", "MEMBER"] = "MEMBER"


def platform_admin(actor: Actor) -> None:
    if not actor.platform_admin:
        raise ApiError(
            403, "PLATFORM_ADMIN_ONLY", "Cette action est réservée à l'équipe de la plateforme."
        )


@router.post("/organisations", status_code=201, summary="Créer une organisation (plateforme)")
async def create(body: NewOrganisation, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    platform_admin(actor)
    return await uc.create_organisation(
        ctx,
        actor,
        name=body.name,
        type=body.type,
        external_id=body.external_id,
        is_managing_students=body.is_managing_students,
        admin_email=body.admin_email,
    )


@router.get("/organisations", summary="Toutes les organisations (plateforme)")
async def list_all(ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    platform_admin(actor)
    return {"data": await uc.all_organisations(ctx)}


@router.get("/me/organisations", summary="Mes organisations et mon rôle dans chacune")
async def mine(ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return {"data": await uc.my_organisations(ctx, str(actor.user_id))}


@router.get("/organisations/{organisation_id}", summary="Une organisation (membres)")
async def get(organisation_id: str, ctx: Ctx, actor: CurrentActor) -> dict[str, Any]:
    return await uc.get_organisation(ctx, organisation_id, actor)


@router.post(
    "/organisations/{organisation_id}/members",
    status_code=201,
    summary="Ajouter directement un membre (plateforme)",
)
async def add_member(
    organisation_id: str, body: NewMember, ctx: Ctx, actor: CurrentActor
) -> dict[str, Any]:
    platform_admin(actor)
    membership_id = await uc.add_member(ctx, organisation_id, actor, body.user_id, body.role)
    return {"id": membership_id, "user_id": body.user_id, "role": body.role}
