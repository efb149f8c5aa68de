"""Target profiles offered to an organisation, its members (the owner picker), its settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from campaign.application import queries
from campaign.application.catalogue import CATEGORY_LABELS
from campaign.application.ports import OrganisationSettings
from campaign.entrypoints.routes.deps import Ctx
from campaign.entrypoints.routes.models import (
    BadgeOut,
    MemberOut,
    OrganisationSettingsIn,
    OrganisationSettingsOut,
    StageOut,
    TargetProfileOut,
)
from orga_shared.http.auth import CurrentPrincipal, Principal
from orga_shared.http.errors import ApiError, error_responses
from orga_shared.http.membership import require_member

router = APIRouter(tags=["target profiles"], responses=error_responses(401, 403, 404, 422))
Member = Annotated[Principal, Depends(require_member())]


@router.get(
    "/organisations/{organisation_id}/target-profiles",
    summary="Les parcours (profils cibles) proposés à l'organisation",
)
async def target_profiles(
    organisation_id: str, ctx: Ctx, principal: Member
) -> list[TargetProfileOut]:
    profiles = await queries.offered_profiles(ctx, organisation_id)
    return [
        TargetProfileOut(
            id=p.id,
            name=p.name,
            category=p.category,
            category_label=CATEGORY_LABELS.get(p.category, p.category),
            description=p.description,
            tubes=len(p.tubes),
            skills=len(ctx.catalogue.release.campaign_skills(p)),
            stages=[
                StageOut(threshold=s.threshold, level=s.level, title=s.title) for s in p.stages
            ],
            badges=[BadgeOut(key=b.key, title=b.title) for b in p.badges],
        )
        for p in profiles
    ]


@router.get(
    "/organisations/{organisation_id}/members",
    summary="Les membres de l'organisation, triés par nom (choix du propriétaire)",
)
async def members(organisation_id: str, ctx: Ctx, principal: Member) -> list[MemberOut]:
    return [
        MemberOut(user_id=p.user_id, full_name=p.full_name or p.user_id, role=role)
        for p, role in await queries.members(ctx, organisation_id)
    ]


def _platform_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.is_platform_admin:
        raise ApiError(403, "FORBIDDEN", "Réservé aux administrateurs de la plateforme.")
    return principal


PlatformAdmin = Annotated[Principal, Depends(_platform_admin)]


def _settings_out(s: OrganisationSettings) -> OrganisationSettingsOut:
    return OrganisationSettingsOut(
        organisation_id=s.organisation_id,
        multiple_sendings_assessment=s.multiple_sendings_assessment,
        extra_target_profiles=list(s.extra_target_profiles),
    )


@router.get(
    "/admin/organisations/{organisation_id}/campaign-settings",
    summary="Réglages des campagnes d'une organisation (administration)",
)
async def get_settings(organisation_id: str, ctx: Ctx, _: PlatformAdmin) -> OrganisationSettingsOut:
    return _settings_out(await ctx.settings.get(organisation_id))


@router.put(
    "/admin/organisations/{organisation_id}/campaign-settings",
    summary="Activer l'envoi multiple, ajouter des parcours à une organisation (administration)",
)
async def put_settings(
    organisation_id: str, body: OrganisationSettingsIn, ctx: Ctx, _: PlatformAdmin
) -> OrganisationSettingsOut:
    unknown = [p for p in body.extra_target_profiles if ctx.catalogue.get(p) is None]
    if unknown:
        raise ApiError(
            422,
            "UNKNOWN_TARGET_PROFILE",
            f"Parcours inconnu : {unknown[0][:80]}.",
            "extra_target_profiles",
        )
    settings = OrganisationSettings(
        organisation_id,
        multiple_sendings_assessment=body.multiple_sendings_assessment,
        extra_target_profiles=tuple(dict.fromkeys(body.extra_target_profiles)),
    )
    await ctx.settings.put(settings)
    return _settings_out(settings)
