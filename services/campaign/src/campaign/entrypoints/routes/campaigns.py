"""Campaign routes: create, list, read, edit, duplicate, archive, delete, look up by code."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, status

from campaign.application import campaigns as use
from campaign.application import queries
from campaign.application.campaigns import Changes, NewCampaign
from campaign.application.ports import CampaignRow, ListQuery
from campaign.application.queries import Person
from campaign.entrypoints.routes.deps import Ctx
from campaign.entrypoints.routes.models import (
    CampaignIn,
    CampaignList,
    CampaignListItem,
    CampaignOut,
    CampaignPatch,
    CampaignToJoin,
    Deleted,
    DeleteIn,
    DuplicateIn,
    Owner,
)
from orga_shared.http.auth import CurrentPrincipal, Principal
from orga_shared.http.errors import ApiError, error_responses
from orga_shared.http.membership import require_member

router = APIRouter(tags=["campaigns"], responses=error_responses(401, 403, 404, 422))
Member = Annotated[Principal, Depends(require_member())]


def owner_of(person: Person) -> Owner:
    return Owner(
        user_id=person.user_id,
        first_name=person.first_name,
        last_name=person.last_name,
        full_name=person.full_name,
    )


def campaign_out(ctx: Ctx, row: CampaignRow, owner: Person) -> CampaignOut:
    return CampaignOut(
        campaign_id=row.campaign_id,
        organisation_id=row.organisation_id,
        code=row.code,
        url=f"{ctx.public_url}/campagnes/{row.code}",
        name=row.name,
        type=row.type,
        title=row.title,
        landing_text=row.landing_text,
        landing_html=row.landing_html,
        external_id_label=row.external_id_label,
        external_id_type=row.external_id_type,
        target_profile_id=row.target_profile_id,
        target_profile_name=row.target_profile_name,
        multiple_sendings=row.multiple_sendings,
        owner=owner_of(owner),
        created_at=row.created_at,
        archived_at=row.archived_at,
        status="ARCHIVED" if row.archived_at else "ACTIVE",
    )


async def _read(ctx: Ctx, principal: Principal, campaign_id: str) -> CampaignOut:
    row, owner = await queries.get(ctx, principal, campaign_id)
    return campaign_out(ctx, row, owner)


@router.post(
    "/organisations/{organisation_id}/campaigns",
    status_code=status.HTTP_201_CREATED,
    summary="Créer une campagne",
)
async def create_campaign(
    organisation_id: str, body: CampaignIn, ctx: Ctx, principal: Member
) -> CampaignOut:
    outcome = await use.create(ctx, principal, organisation_id, NewCampaign(**body.model_dump()))
    return await _read(ctx, principal, outcome.state.campaign_id)


@router.get("/organisations/{organisation_id}/campaigns", summary="Lister les campagnes")
async def list_campaigns(
    organisation_id: str,
    ctx: Ctx,
    principal: Member,
    mine: Annotated[bool, Query(description="« Mes campagnes »")] = False,
    status_: Annotated[Literal["active", "archived"], Query(alias="status")] = "active",
    name: Annotated[str | None, Query(max_length=255)] = None,
    owner_name: Annotated[str | None, Query(max_length=255)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[int, Query(json_schema_extra={"enum": list(queries.PAGE_SIZES)})] = 25,
) -> CampaignList:
    if size not in queries.PAGE_SIZES:
        raise ApiError(422, "INVALID_INPUT", "La taille de page est 10, 25, 50 ou 100.", "size")
    query = ListQuery(
        organisation_id=organisation_id,
        archived=status_ == "archived",
        name=name,
        page=page,
        size=size,
    )
    listed = await queries.list_page(ctx, principal, query, mine=mine, owner_name=owner_name)
    return CampaignList(
        items=[
            CampaignListItem(
                campaign_id=r.campaign_id,
                code=r.code,
                name=r.name,
                type=r.type,
                owner=owner_of(listed.owners[r.owner_id]),
                created_at=r.created_at,
                archived_at=r.archived_at,
                target_profile_name=r.target_profile_name,
            )
            for r in listed.page.rows
        ],
        page=page,
        size=size,
        total=listed.page.total,
        has_campaigns=listed.page.has_campaigns,
    )


@router.delete(
    "/organisations/{organisation_id}/campaigns",
    summary="Supprimer des campagnes (irréversible, avec leurs participations)",
)
async def delete_campaigns(
    organisation_id: str, body: DeleteIn, ctx: Ctx, principal: Member
) -> Deleted:
    return Deleted(
        deleted=await use.delete_many(ctx, principal, organisation_id, body.campaign_ids)
    )


@router.get(
    "/campaigns/by-code/{code}",
    summary="Retrouver une campagne par son code (participants)",
    responses=error_responses(401, 404),
)
async def campaign_by_code(
    code: Annotated[str, Path(max_length=40)], ctx: Ctx, principal: CurrentPrincipal
) -> CampaignToJoin:
    row = await queries.by_code(ctx, code)
    return CampaignToJoin(
        campaign_id=row.campaign_id,
        organisation_id=row.organisation_id,
        code=row.code,
        name=row.name,
        type=row.type,
        title=row.title,
        landing_html=row.landing_html,
        external_id_label=row.external_id_label,
        external_id_type=row.external_id_type,
        archived=row.archived_at is not None,
    )


@router.get("/campaigns/{campaign_id}", summary="Une campagne")
async def get_campaign(campaign_id: str, ctx: Ctx, principal: CurrentPrincipal) -> CampaignOut:
    return await _read(ctx, principal, campaign_id)


@router.patch(
    "/campaigns/{campaign_id}",
    summary="Modifier une campagne",
    responses=error_responses(409),
)
async def update_campaign(
    campaign_id: str, body: CampaignPatch, ctx: Ctx, principal: CurrentPrincipal
) -> CampaignOut:
    sent = body.model_fields_set
    changes = Changes(
        # a name sent as null is an empty name (refused), not "unchanged"
        name=(body.name or "") if "name" in sent else None,
        title=body.title,
        clear_title="title" in sent and body.title is None,
        landing_text=body.landing_text,
        clear_landing_text="landing_text" in sent and body.landing_text is None,
        owner_id=body.owner_id,
    )
    await use.update(ctx, principal, campaign_id, changes)
    return await _read(ctx, principal, campaign_id)


@router.post(
    "/campaigns/{campaign_id}/duplicate",
    status_code=status.HTTP_201_CREATED,
    summary="Dupliquer une campagne (« Copie de … », nouveau code)",
)
async def duplicate_campaign(
    campaign_id: str, ctx: Ctx, principal: CurrentPrincipal, body: DuplicateIn | None = None
) -> CampaignOut:
    outcome = await use.duplicate(ctx, principal, campaign_id, body.name if body else None)
    return await _read(ctx, principal, outcome.state.campaign_id)


@router.put("/campaigns/{campaign_id}/archive", summary="Archiver", responses=error_responses(409))
async def archive_campaign(campaign_id: str, ctx: Ctx, principal: CurrentPrincipal) -> CampaignOut:
    await use.archive(ctx, principal, campaign_id)
    return await _read(ctx, principal, campaign_id)


@router.delete(
    "/campaigns/{campaign_id}/archive", summary="Désarchiver", responses=error_responses(409)
)
async def unarchive_campaign(
    campaign_id: str, ctx: Ctx, principal: CurrentPrincipal
) -> CampaignOut:
    await use.unarchive(ctx, principal, campaign_id)
    return await _read(ctx, principal, campaign_id)
