"""The teacher's dashboards (docs/domain/pix-orga.md §1.9, §3, §7.5, §8), per organisation.

Every route checks the caller's membership of the organisation in the path (analytics' own
projection of memberships) and that the campaign belongs to it. Results appear only for sent
participations: the projections hold nothing else (assessment publishes nothing before).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from analytics.entrypoints.routes.deps import Boards, Campaign, Member
from analytics.entrypoints.routes.models import (
    Activity,
    Analysis,
    CampaignPage,
    LearnerParticipation,
    LearnerRow,
    ParticipantPage,
    ParticipationPage,
    Places,
    ResultPage,
    Results,
)
from orga_shared.http.errors import ApiError, error_responses

router = APIRouter(prefix="/organisations/{organisation_id}", tags=["dashboards"])
ERRORS = error_responses(401, 403, 404, 503)
Page = Annotated[int, Query(ge=1, le=100_000)]
Size = Annotated[int, Query(ge=1, le=100)]
Many = Annotated[list[str], Query(max_length=100)]
Search = Annotated[str | None, Query(max_length=200)]


@router.get(
    "/campaigns",
    summary="Campaign list with participants and results received",
    response_model=CampaignPage,
    responses=ERRORS,
)
async def campaigns(
    organisation_id: str,
    dash: Boards,
    principal: Member,
    mine: bool = False,
    status: Literal["active", "archived"] = "active",
    name: Search = None,
    owner_name: Search = None,
    page: Page = 1,
    size: Size = 50,
) -> dict[str, Any]:
    return await dash.campaign_list(
        organisation_id,
        owner_id=principal.user_id if mine else None,
        archived=status == "archived",
        name=name,
        owner_name=owner_name,
        page=page,
        size=size,
    )


@router.get(
    "/campaigns/{campaign_id}/activity",
    summary="Activité: counts and participants over time",
    response_model=Activity,
    responses=ERRORS,
)
async def activity(campaign: Campaign, dash: Boards) -> dict[str, Any]:
    return await dash.activity(campaign)


@router.get(
    "/campaigns/{campaign_id}/participants",
    summary="Activité: the participants list",
    response_model=ParticipantPage,
    responses=ERRORS,
)
async def participants(
    campaign: Campaign,
    dash: Boards,
    status: Literal["STARTED", "TO_SHARE", "SHARED"] | None = None,
    divisions: Many = [],  # noqa: B006 (FastAPI copies the default)
    groups: Many = [],  # noqa: B006
    search: Search = None,
    page: Page = 1,
    size: Size = 25,
) -> dict[str, Any]:
    return await dash.participants(
        campaign,
        status=status,
        divisions=divisions,
        groups=groups,
        search=search,
        page=page,
        size=size,
    )


@router.get(
    "/campaigns/{campaign_id}/results",
    summary="Résultats: average, distribution, stages, badges",
    response_model=Results,
    responses=ERRORS,
)
async def results(campaign: Campaign, dash: Boards) -> dict[str, Any]:
    return await dash.results(campaign)


@router.get(
    "/campaigns/{campaign_id}/results/participants",
    summary="Résultats: one row per learner (latest sending)",
    response_model=ResultPage,
    responses=ERRORS,
)
async def result_rows(
    campaign: Campaign,
    dash: Boards,
    search: Search = None,
    divisions: Many = [],  # noqa: B006
    groups: Many = [],  # noqa: B006
    badges: Many = [],  # noqa: B006
    stages: Annotated[list[int], Query(max_length=20)] = [],  # noqa: B006
    certifiable: bool | None = None,
    page: Page = 1,
    size: Size = 50,
) -> dict[str, Any]:
    return await dash.result_rows(
        campaign,
        search=search,
        page=page,
        size=size,
        divisions=divisions,
        groups=groups,
        badges=badges,
        stages=stages,
        certifiable=certifiable,
    )


@router.get(
    "/campaigns/{campaign_id}/analysis",
    summary="Analyse: recommended topics and mastery per competence",
    response_model=Analysis,
    responses=ERRORS,
)
async def analysis(campaign: Campaign, dash: Boards) -> dict[str, Any]:
    return await dash.analysis(campaign)


@router.get(
    "/campaigns/{campaign_id}/participations/{participation_id}",
    summary="A participant's page",
    response_model=ParticipationPage,
    responses=ERRORS,
)
async def participation(participation_id: str, campaign: Campaign, dash: Boards) -> dict[str, Any]:
    found = await dash.participation(campaign, participation_id)
    if found is None:
        raise ApiError(
            404, "PARTICIPATION_NOT_FOUND", "Participation introuvable.", "participation_id"
        )
    return found


@router.get(
    "/learners",
    summary="Learners: participations, last one, certifiability",
    response_model=list[LearnerRow],
    responses=ERRORS,
)
async def learners(organisation_id: str, dash: Boards, _: Member) -> list[dict[str, Any]]:
    return await dash.learners(organisation_id)


@router.get(
    "/learners/{learner_id}/participations",
    summary="One learner's participations (a result only once sent)",
    response_model=list[LearnerParticipation],
    responses=ERRORS,
)
async def learner_participations(
    organisation_id: str, learner_id: str, dash: Boards, _: Member
) -> list[dict[str, Any]]:
    return await dash.learner_participations(organisation_id, learner_id)


@router.get("/places", summary="Places occupied (§8)", response_model=Places, responses=ERRORS)
async def places(organisation_id: str, dash: Boards, _: Member) -> dict[str, Any]:
    return await dash.places(organisation_id)
