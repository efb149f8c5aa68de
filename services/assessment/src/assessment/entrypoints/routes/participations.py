"""The learner's side: join by code, answer, checkpoints, results, send, retry; « Mes parcours ».

Every route acts for the signed-in user on their own participation (the stream is keyed by the
token's subject: nobody can act on another learner's participation). Refusals answer
`code`, `message` (French, shown as is by the UI) and `field`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from assessment.application import participations as use
from assessment.application.context import Context
from assessment.domain.checkpoint import progress_step
from assessment.domain.participant import JoinRequest, ParticipantState
from assessment.domain.scoring import mastery_percentage
from assessment.entrypoints.routes.deps import AUTHENTICATED, AppContext
from assessment.entrypoints.routes.participation_models import (
    AnswerBody,
    AnswerOutcome,
    Checkpoint,
    JoinBody,
    MyParticipation,
    ParticipationSummary,
)
from assessment.entrypoints.routes.views import challenge_view, checkpoint, my_participation
from orga_shared.http.auth import CurrentPrincipal
from orga_shared.http.errors import error_responses

router = APIRouter(tags=["participations"])
JOIN_ERRORS = error_responses(*AUTHENTICATED, 403, 404, 409, 422)
MINE = error_responses(*AUTHENTICATED, 404)
ANSWER_ERRORS = error_responses(*AUTHENTICATED, 404, 409, 422)
SHARE_ERRORS = error_responses(*AUTHENTICATED, 403, 404, 409)


@router.post(
    "/participations",
    summary="Join a campaign by its code (or resume the participation in progress)",
    status_code=201,
    responses={200: {"description": "Participation en cours reprise"}, **JOIN_ERRORS},
)
async def join(
    body: JoinBody, ctx: AppContext, principal: CurrentPrincipal, response: Response
) -> MyParticipation:
    request = JoinRequest(
        user_id=principal.user_id,
        participant_external_id=body.participant_external_id,
        retry=body.retry,
        reset=body.reset,
    )
    joined = await use.join(ctx, request, body.code)
    if not joined.created:
        response.status_code = 200
    attempt = joined.state.current
    assert attempt is not None
    return my_participation(ctx, joined.state, attempt, joined.campaign, ctx.clock())


@router.get(
    "/campaigns/{campaign_id}/participation",
    summary="My participation in a campaign: where I am, my results, what I may do next",
    responses=MINE,
)
async def mine(campaign_id: str, ctx: AppContext, principal: CurrentPrincipal) -> MyParticipation:
    campaign = await use.campaign_or_404(ctx, campaign_id)
    state, attempt = await use.current(ctx, principal.user_id, campaign_id)
    return my_participation(ctx, state, attempt, campaign, ctx.clock())


@router.post(
    "/campaigns/{campaign_id}/participation/answers",
    summary="Answer the current challenge; the response carries the next one",
    status_code=201,
    responses={200: {"description": "Réponse déjà enregistrée (même clé)"}, **ANSWER_ERRORS},
)
async def answer(
    campaign_id: str,
    body: AnswerBody,
    ctx: AppContext,
    principal: CurrentPrincipal,
    response: Response,
    idempotency_key: Annotated[str, Header(min_length=8, max_length=100)],
) -> AnswerOutcome:
    done = await use.answer(
        ctx,
        principal.user_id,
        campaign_id,
        answer_id=idempotency_key,
        challenge_id=body.challenge_id,
        value=body.value,
        skipped=body.skipped,
        timed_out=body.timed_out,
    )
    attempt = done.attempt
    recorded = attempt.answer(idempotency_key)
    assert recorded is not None
    if done.replayed:
        response.status_code = 200
    count = len(attempt.answers)
    return AnswerOutcome(
        answer_number=recorded.number,
        replayed=done.replayed,
        checkpoint=count % 5 == 0 or attempt.completed,
        ended=attempt.completed,
        step=progress_step(count),
        challenge=challenge_view(ctx, attempt.current.challenge_id if attempt.current else None),
    )


@router.get(
    "/campaigns/{campaign_id}/participation/checkpoint",
    summary="The answers since the last checkpoint, corrected, with tutorials",
    responses=MINE,
)
async def last_checkpoint(
    campaign_id: str, ctx: AppContext, principal: CurrentPrincipal
) -> Checkpoint:
    _, attempt = await use.current(ctx, principal.user_id, campaign_id)
    return checkpoint(ctx, attempt)


@router.post(
    "/campaigns/{campaign_id}/participation/share",
    summary="Send my results (or my profile) to the organisation",
    responses=SHARE_ERRORS,
)
async def share(campaign_id: str, ctx: AppContext, principal: CurrentPrincipal) -> MyParticipation:
    return await _present(ctx, campaign_id, await use.share(ctx, principal.user_id, campaign_id))


@router.post(
    "/campaigns/{campaign_id}/participation/improve",
    summary="« Je retente » before sending: failures older than 4 days are asked again",
    responses=SHARE_ERRORS,
)
async def improve(
    campaign_id: str, ctx: AppContext, principal: CurrentPrincipal
) -> MyParticipation:
    return await _present(ctx, campaign_id, await use.improve(ctx, principal.user_id, campaign_id))


async def _present(ctx: Context, campaign_id: str, state: ParticipantState) -> MyParticipation:
    campaign = await use.campaign_or_404(ctx, campaign_id)
    attempt = state.current
    assert attempt is not None
    return my_participation(ctx, state, attempt, campaign, ctx.clock())


@router.get(
    "/me/participations",
    summary="« Mes parcours »: my participations, latest attempt of each campaign",
    responses=error_responses(*AUTHENTICATED),
)
async def my_participations(
    ctx: AppContext, principal: CurrentPrincipal
) -> list[ParticipationSummary]:
    out = []
    for state in await ctx.store.snapshots_of_user(principal.user_id):
        attempt = state.current
        if attempt is None or attempt.deleted:
            continue
        campaign = await ctx.facts.campaign(state.campaign_id)
        mastery = None
        if campaign and campaign.target and (attempt.completed or attempt.status == "SHARED"):
            mastery = mastery_percentage(campaign.skill_ids, attempt.results_knowledge())
        out.append(
            ParticipationSummary(
                participation_id=attempt.participation_id,
                campaign_id=state.campaign_id,
                campaign_code=campaign.code if campaign else None,
                campaign_type=state.campaign_type,
                status=attempt.status,
                created_at=attempt.created_at,
                shared_at=attempt.shared_at,
                mastery_percentage=mastery,
            )
        )
    return sorted(out, key=lambda p: p.created_at, reverse=True)
