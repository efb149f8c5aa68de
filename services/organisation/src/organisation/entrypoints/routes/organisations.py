"""Organisations: creation and listing by platform admins, reading by members."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from orga_shared.http.errors import ApiError, error_responses
from organisation.application import organisations as uc
from organisation.domain.commands import Actor
from organisation.entrypoints.routes.deps import Ctx, CurrentActor
from organisation.entrypoints.routes.models import (
    EMAIL_LIST,
    CreatedOrganisation,
    Membership,
    MyOrganisationDetail,
    MyOrganisationList,
    OrganisationList,
    OrganisationType,
    Role,
)

router = APIRouter(tags=["organisations"])


class NewOrganisation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=255, json_schema_extra={"pattern": r"\S"})
    type: OrganisationType
    external_id: str | None = Field(None, max_length=255, description="UAI/RNE pour SCO")
    is_managing_students: bool = False
    admin_email: str | None = Field(
        None,
        max_length=255,
        description="reçoit une invitation ADMIN",
        json_schema_extra={"pattern": f"^$|{EMAIL_LIST}"},
    )


class NewMember(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(min_length=1, max_length=100)
    role: Role = "MEMBER"


def platform_admin(actor: Actor) -> None:
    if not actor.platform_admin:
        raise ApiError(
            403, "PLATFORM_ADMIN_ONLY", "Cette action est réservée à l'équipe de la plateforme."
        )


@router.post(
    "/organisations",
    status_code=201,
    summary="Créer une organisation (plateforme)",
    responses=error_responses(401, 403, 409, 415, 422),
)
async def create(body: NewOrganisation, ctx: Ctx, actor: CurrentActor) -> CreatedOrganisation:
    platform_admin(actor)
    created = await uc.create_organisation(
        ctx,
        actor,
        name=body.name,
        type=body.type,
        external_id=body.external_id,
        is_managing_students=body.is_managing_students,
        admin_email=body.admin_email,
    )
    return CreatedOrganisation.model_validate(created)


@router.get(
    "/organisations",
    summary="Toutes les organisations (plateforme)",
    responses=error_responses(401, 403),
)
async def list_all(ctx: Ctx, actor: CurrentActor) -> OrganisationList:
    platform_admin(actor)
    return OrganisationList.model_validate({"data": await uc.all_organisations(ctx)})


@router.get(
    "/me/organisations",
    summary="Mes organisations et mon rôle dans chacune",
    responses=error_responses(401),
)
async def mine(ctx: Ctx, actor: CurrentActor) -> MyOrganisationList:
    return MyOrganisationList.model_validate(
        {"data": await uc.my_organisations(ctx, str(actor.user_id))}
    )


@router.get(
    "/organisations/{organisation_id}",
    summary="Une organisation (membres)",
    responses=error_responses(401, 403, 404),
)
async def get(organisation_id: str, ctx: Ctx, actor: CurrentActor) -> MyOrganisationDetail:
    return MyOrganisationDetail.model_validate(
        await uc.get_organisation(ctx, organisation_id, actor)
    )


@router.post(
    "/organisations/{organisation_id}/members",
    status_code=201,
    summary="Ajouter directement un membre (plateforme)",
    responses=error_responses(401, 403, 404, 409, 415, 422),
)
async def add_member(
    organisation_id: str, body: NewMember, ctx: Ctx, actor: CurrentActor
) -> Membership:
    platform_admin(actor)
    membership_id = await uc.add_member(ctx, organisation_id, actor, body.user_id, body.role)
    return Membership(id=membership_id, user_id=body.user_id, role=body.role)
