"""The learner's profile (adaptive-engine.md §5, §6.6): 16 competences with level and pix from
every participation, « Mes tutos » for failed skills, and the competence reset after 7 days."""

from __future__ import annotations

from fastapi import APIRouter

from assessment.application import participations as use
from assessment.domain.participant import Refused
from assessment.domain.retry import days_before_competence_reset, reset_competence
from assessment.domain.scoring import (
    MINIMUM_COMPETENCE_LEVEL_FOR_CERTIFIABILITY,
    competence_scores,
    is_certifiable,
    total_pix,
)
from assessment.entrypoints.routes.deps import AUTHENTICATED, AppContext
from assessment.entrypoints.routes.participation_models import (
    CompetenceProfile,
    MyProfile,
    MyTutorial,
)
from assessment.entrypoints.routes.views import tutorials_of
from orga_shared.http.auth import CurrentPrincipal
from orga_shared.http.errors import error_responses

router = APIRouter(prefix="/me", tags=["profile"])
MAX_PIX_SCORE_SHOWN = 1024
"""What the profile shows the total out of: 16 competences × 8 levels × 8 pix."""


async def _profile(ctx: AppContext, user_id: str) -> MyProfile:
    elements = await use.user_knowledge(ctx, user_id)
    latest = use.profile_of(elements)
    scores = competence_scores(latest, ctx.max_level)
    now = ctx.clock()
    competences = []
    for area in ctx.release.areas:
        for c in area.competences:
            score = scores.get(c.code)
            competences.append(
                CompetenceProfile(
                    competence=c.code,
                    name=c.name,
                    area=area.name,
                    area_color=area.color,
                    pix=score.pix if score else 0,
                    level=score.level if score else 0,
                    pix_ahead_for_next_level=score.pix_ahead_for_next_level if score else 0,
                    remaining_days_before_reset=days_before_competence_reset(
                        latest.values(), c.code, now
                    ),
                )
            )
    return MyProfile(
        pix_score=total_pix(scores),
        max_pix_score=MAX_PIX_SCORE_SHOWN,
        max_level=ctx.max_level,
        competences=competences,
        certifiable_competences=sum(
            1 for s in scores.values() if s.level >= MINIMUM_COMPETENCE_LEVEL_FOR_CERTIFIABILITY
        ),
        is_certifiable=is_certifiable(scores),
    )


@router.get(
    "/profile",
    summary="My Pix profile: 16 competences, level and pix, total out of 1024",
    responses=error_responses(*AUTHENTICATED),
)
async def profile(ctx: AppContext, principal: CurrentPrincipal) -> MyProfile:
    return await _profile(ctx, principal.user_id)


@router.get(
    "/tutorials",
    summary="« Mes tutos »: tutorials of the skills I failed",
    responses=error_responses(*AUTHENTICATED),
)
async def tutorials(ctx: AppContext, principal: CurrentPrincipal) -> list[MyTutorial]:
    latest = use.profile_of(await use.user_knowledge(ctx, principal.user_id))
    out = []
    for sid, ke in sorted(latest.items()):
        if ke.status != "invalidated":
            continue
        for t in tutorials_of(ctx, sid):
            out.append(MyTutorial(skill_id=sid, tube=ke.tube, competence=ke.competence, tutorial=t))
    return out


@router.post(
    "/competences/{competence}/reset",
    summary="Reset one competence (7 days after its last answer)",
    responses=error_responses(*AUTHENTICATED, 404, 409),
)
async def reset(competence: str, ctx: AppContext, principal: CurrentPrincipal) -> MyProfile:
    if not any(c.code == competence for a in ctx.release.areas for c in a.competences):
        raise Refused("COMPETENCE_NOT_FOUND", "Cette compétence n'existe pas.", 404, "competence")
    latest = use.profile_of(await use.user_knowledge(ctx, principal.user_id))
    now = ctx.clock()
    days = days_before_competence_reset(latest.values(), competence, now)
    if days > 0:
        raise Refused(
            "RESET_TOO_EARLY",
            f"Vous pourrez remettre à zéro cette compétence dans {days} jour(s).",
            409,
        )
    elements = reset_competence(latest, competence, now)
    if not elements:
        raise Refused("NOTHING_TO_RESET", "Cette compétence n'a encore aucun acquis évalué.", 409)
    await ctx.resets.record(principal.user_id, competence, elements)
    return await _profile(ctx, principal.user_id)
