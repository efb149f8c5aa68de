"""The live class view (« Suivi en direct »): each participant's progress in one campaign, read
again every few seconds by the teacher's page while the class takes the test.

Same authorisation as the dashboards: the caller is a member of the organisation in the path
and the campaign belongs to it. Progress only (status, answers, progression, last answer):
results appear nowhere before the participant sends them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from analytics.adapters.live import live
from analytics.entrypoints.routes.deps import Boards, Campaign
from analytics.entrypoints.routes.models import LiveView
from orga_shared.clock import utcnow
from orga_shared.http.errors import error_responses

router = APIRouter(prefix="/organisations/{organisation_id}", tags=["dashboards"])


@router.get(
    "/campaigns/{campaign_id}/live",
    summary="Suivi en direct: each participant's progress, and who is stuck",
    response_model=LiveView,
    responses=error_responses(401, 403, 404, 503),
)
async def live_view(
    campaign: Campaign,
    dash: Boards,
    stuck_after_minutes: Annotated[
        int,
        Query(ge=0, le=24 * 60, description="Bloqué : sans réponse depuis ces minutes au moins"),
    ] = 5,
) -> dict[str, Any]:
    return await live(dash, campaign, stuck_after_minutes=stuck_after_minutes, now=utcnow())
