"""Dependencies of analytics' routers: the context, the caller's membership, the campaign."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request

from analytics.adapters.dashboards import Dashboards
from analytics.application.context import Context
from orga_shared.http.auth import Principal
from orga_shared.http.errors import ApiError
from orga_shared.http.membership import require_member


async def get_context(request: Request) -> Context:
    context: Context = request.app.state.context
    return context


Ctx = Annotated[Context, Depends(get_context)]
Member = Annotated[Principal, Depends(require_member())]
AsOf = Annotated[
    str | None,
    Query(
        pattern=r"^asof-\d{8}T\d{4}Z$",
        description="Génération « à date » construite par `replay --until` (sinon : l'actuelle)",
    ),
]


async def boards(ctx: Ctx, generation: AsOf = None) -> Dashboards:
    return await ctx.dashboards(generation)


Boards = Annotated[Dashboards, Depends(boards)]


async def campaign_of(
    organisation_id: str, campaign_id: str, dash: Boards, _: Member
) -> dict[str, Any]:
    found = await dash.campaign(organisation_id, campaign_id)
    if found is None:
        raise ApiError(404, "CAMPAIGN_NOT_FOUND", "Campagne introuvable.", "campaign_id")
    return found


Campaign = Annotated[dict[str, Any], Depends(campaign_of)]
