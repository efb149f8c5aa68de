"""Assessment owns the learning-content release and serves it (read-only, solutions never leave).

Teachers need the target profiles to create campaigns; the UI needs framework names, tutorials
and challenge statements. Every route needs a signed-in user; none exposes a solution.
"""

from __future__ import annotations

from fastapi import APIRouter

from assessment.entrypoints.routes.deps import AUTHENTICATED, AppContext
from assessment.entrypoints.routes.models import (
    AreaSummary,
    CompetenceSummary,
    PublicChallenge,
    ReleaseCounts,
    ReleaseSummary,
    TargetProfileDetail,
    TargetProfileSummary,
    TubeSummary,
    Tutorial,
)
from orga_shared.content.framework import Challenge, Tube
from orga_shared.content.models import Release
from orga_shared.content.profiles import TargetProfile
from orga_shared.http.auth import CurrentPrincipal
from orga_shared.http.errors import ApiError, error_responses

router = APIRouter(prefix="/content", tags=["content"])
SIGNED_IN = error_responses(*AUTHENTICATED)
SIGNED_IN_FOUND = error_responses(*AUTHENTICATED, 404)


def _tube(t: Tube) -> TubeSummary:
    shown = t.model_dump(include={"name", "title", "practical_title", "practical_description"})
    return TubeSummary(**shown, levels=[s.level for s in t.skills])


def _summary(release: Release, p: TargetProfile) -> TargetProfileSummary:
    return TargetProfileSummary(
        id=p.id,
        name=p.name,
        category=p.category,
        description=p.description,
        is_public=p.is_public,
        tubes_count=len(p.tubes),
        skills_count=len(release.campaign_skills(p)),
        has_stages=bool(p.stages),
        has_badges=bool(p.badges),
    )


def public_challenge(c: Challenge) -> PublicChallenge:
    """What a learner may see of a challenge: the fields `PublicChallenge` lists, no other."""
    return PublicChallenge.model_validate(c.model_dump(include=set(PublicChallenge.model_fields)))


@router.get("", summary="The release served: version and counts", responses=SIGNED_IN)
async def release_info(ctx: AppContext, _: CurrentPrincipal) -> ReleaseSummary:
    release = ctx.release
    counts = ReleaseCounts.model_validate(release.counts())
    return ReleaseSummary(version=release.version, title=release.title, counts=counts)


@router.get("/areas", summary="Areas, competences and their tubes", responses=SIGNED_IN)
async def areas(ctx: AppContext, _: CurrentPrincipal) -> list[AreaSummary]:
    release = ctx.release
    return [
        AreaSummary(
            code=area.code,
            name=area.name,
            color=area.color,
            competences=[
                CompetenceSummary(
                    code=ac.code,
                    name=ac.name,
                    description=ac.description,
                    tubes=[
                        _tube(t) for th in release.competence(ac.code).thematics for t in th.tubes
                    ],
                )
                for ac in area.competences
            ],
        )
        for area in release.areas
    ]


@router.get(
    "/target-profiles", summary="Target profiles a campaign can assess", responses=SIGNED_IN
)
async def target_profiles(ctx: AppContext, _: CurrentPrincipal) -> list[TargetProfileSummary]:
    return [_summary(ctx.release, p) for p in ctx.release.target_profiles]


@router.get(
    "/target-profiles/{profile_id}",
    summary="One target profile, stages and badges",
    responses=SIGNED_IN_FOUND,
)
async def target_profile(
    profile_id: str, ctx: AppContext, _: CurrentPrincipal
) -> TargetProfileDetail:
    release = ctx.release
    profile = release.profiles.get(profile_id)
    if profile is None:
        raise ApiError(404, "TARGET_PROFILE_NOT_FOUND", "Profil cible introuvable.", "profile_id")
    return TargetProfileDetail(
        **_summary(release, profile).model_dump(),
        tubes=list(profile.tubes),
        skills=[s.name for s in release.campaign_skills(profile)],
        stages=list(release.stage_thresholds(profile)),
        badges=list(profile.badges),
    )


@router.get(
    "/challenges/{challenge_id}",
    summary="A challenge as the learner sees it",
    responses=SIGNED_IN_FOUND,
)
async def challenge(challenge_id: str, ctx: AppContext, _: CurrentPrincipal) -> PublicChallenge:
    found = ctx.release.challenges.get(challenge_id)
    if found is None:
        raise ApiError(404, "CHALLENGE_NOT_FOUND", "Épreuve introuvable.", "challenge_id")
    return public_challenge(found)


@router.get(
    "/tubes/{tube_name}/tutorials",
    summary="Tutorials proposed for a tube",
    responses=SIGNED_IN_FOUND,
)
async def tutorials(tube_name: str, ctx: AppContext, _: CurrentPrincipal) -> list[Tutorial]:
    tube = ctx.release.tubes.get(tube_name)
    if tube is None:
        raise ApiError(404, "TUBE_NOT_FOUND", "Sujet introuvable.", "tube_name")
    return list(tube.tutorials)
