"""An organisation member's side: a campaign's participations (statuses; results only once
shared) and deleting a learner's participations (pix-orga.md §2.9: ADMIN or the owner).

Authorisation is per organisation, from assessment's own projection of memberships; the
campaign must belong to the organisation in the path.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from assessment.application import participations as use
from assessment.domain.participant import CampaignFacts, Refused
from assessment.entrypoints.routes.deps import AUTHENTICATED, AppContext
from assessment.entrypoints.routes.participation_models import TeacherParticipation
from orga_shared.http.auth import Principal
from orga_shared.http.errors import error_responses
from orga_shared.http.membership import require_member

router = APIRouter(prefix="/organisations/{organisation_id}/campaigns", tags=["teacher"])
Member = Annotated[Principal, Depends(require_member())]
ERRORS = error_responses(*AUTHENTICATED, 403, 404)


async def _campaign(ctx: AppContext, organisation_id: str, campaign_id: str) -> CampaignFacts:
    campaign = await ctx.facts.campaign(campaign_id)
    if campaign is None or campaign.organisation_id != organisation_id or campaign.deleted:
        raise Refused("CAMPAIGN_NOT_FOUND", "Cette campagne n'existe pas.", 404)
    return campaign


@router.get(
    "/{campaign_id}/participations",
    summary="Participations of a campaign: statuses, and results once sent",
    responses=ERRORS,
)
async def participations(
    organisation_id: str, campaign_id: str, ctx: AppContext, _: Member
) -> list[TeacherParticipation]:
    await _campaign(ctx, organisation_id, campaign_id)
    out = []
    for stream in await ctx.store.streams_of_campaign(campaign_id):
        state, _v = await ctx.store.load(stream)
        for a in state.attempts:
            if a.deleted:
                continue
            out.append(
                TeacherParticipation(
                    participation_id=a.participation_id,
                    user_id=state.user_id,
                    learner_id=a.learner_id,
                    status=a.status,
                    created_at=a.created_at,
                    shared_at=a.shared_at,
                    mastery_rate=a.mastery_rate if a.status == "SHARED" else None,
                    is_improved=a.improved,
                )
            )
    return sorted(out, key=lambda p: p.created_at)


@router.delete(
    "/{campaign_id}/participations/{participation_id}",
    summary="Delete a learner's participations in the campaign (admin or campaign owner)",
    status_code=204,
    responses=ERRORS,
)
async def delete(
    organisation_id: str,
    campaign_id: str,
    participation_id: str,
    ctx: AppContext,
    principal: Member,
) -> Response:
    campaign = await _campaign(ctx, organisation_id, campaign_id)
    role = await ctx.memberships.role_of(principal.user_id, organisation_id)
    if role != "ADMIN" and campaign.owner_id != principal.user_id:
        raise Refused(
            "NOT_ALLOWED",
            "Seuls les administrateurs et le propriétaire de la campagne peuvent supprimer "
            "une participation.",
        )
    if not await use.delete_participation(ctx, campaign_id, participation_id, principal.user_id):
        raise Refused("PARTICIPATION_NOT_FOUND", "Cette participation n'existe pas.", 404)
    return Response(status_code=204)
