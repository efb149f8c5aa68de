"""Assessment owns the learning-content release and serves it (read-only, solutions never leave).

Teachers need the target profiles to create campaigns; the UI needs framework names, tutorials
and challenge statements. Every route needs a signed-in user; none exposes a solution.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from orga_shared.content.framework import Challenge, Tube, Tutorial
from orga_shared.content.loader import load_release
from orga_shared.content.profiles import TargetProfile
from orga_shared.http.auth import CurrentPrincipal
from orga_shared.http.errors import ApiError

router = APIRouter(prefix="/content", tags=["content"])


def _tutorial(t: Tutorial) -> dict[str, Any]:
    return t.model_dump(include={"id", "title", "source", "format", "duration", "link", "locale"})


def _tube(t: Tube) -> dict[str, Any]:
    return {
        "name": t.name,
        "title": t.title,
        "practical_title": t.practical_title,
        "practical_description": t.practical_description,
        "levels": [s.level for s in t.skills],
    }


def _profile_summary(p: TargetProfile) -> dict[str, Any]:
    release = load_release()
    return {
        "id": p.id,
        "name": p.name,
        "category": p.category,
        "description": p.description,
        "is_public": p.is_public,
        "tubes_count": len(p.tubes),
        "skills_count": len(release.campaign_skills(p)),
        "has_stages": bool(p.stages),
        "has_badges": bool(p.badges),
    }


def public_challenge(c: Challenge) -> dict[str, Any]:
    """What a learner may see of a challenge: never its solution."""
    return c.model_dump(
        include={
            "id",
            "type",
            "instruction",
            "proposals",
            "timer",
            "focusable",
            "format",
            "locales",
            "alternative_instruction",
            "illustration_url",
            "illustration_alt",
            "attachments",
            "shuffled",
        }
    )


@router.get("", summary="The release served: version and counts")
async def release_info(_: CurrentPrincipal) -> dict[str, Any]:
    release = load_release()
    return {"version": release.version, "title": release.title, "counts": release.counts()}


@router.get("/areas", summary="Areas, competences and their tubes")
async def areas(_: CurrentPrincipal) -> list[dict[str, Any]]:
    release = load_release()
    out = []
    for area in release.areas:
        competences = []
        for ac in area.competences:
            content = release.competence(ac.code)
            tubes = [t for th in content.thematics for t in th.tubes]
            competences.append(
                {
                    "code": ac.code,
                    "name": ac.name,
                    "description": ac.description,
                    "tubes": [_tube(t) for t in tubes],
                }
            )
        out.append(
            {"code": area.code, "name": area.name, "color": area.color, "competences": competences}
        )
    return out


@router.get("/target-profiles", summary="Target profiles a campaign can assess")
async def target_profiles(_: CurrentPrincipal) -> list[dict[str, Any]]:
    return [_profile_summary(p) for p in load_release().target_profiles]


@router.get("/target-profiles/{profile_id}", summary="One target profile, stages and badges")
async def target_profile(profile_id: str, _: CurrentPrincipal) -> dict[str, Any]:
    release = load_release()
    profile = release.profiles.get(profile_id)
    if profile is None:
        raise ApiError(404, "target_profile_not_found", "Profil cible introuvable.", "profile_id")
    return {
        **_profile_summary(profile),
        "tubes": [c.model_dump() for c in profile.tubes],
        "skills": [s.name for s in release.campaign_skills(profile)],
        "stages": [s.model_dump() for s in release.stage_thresholds(profile)],
        "badges": [b.model_dump() for b in profile.badges],
    }


@router.get("/challenges/{challenge_id}", summary="A challenge as the learner sees it")
async def challenge(challenge_id: str, _: CurrentPrincipal) -> dict[str, Any]:
    found = load_release().challenges.get(challenge_id)
    if found is None:
        raise ApiError(404, "challenge_not_found", "Épreuve introuvable.", "challenge_id")
    return public_challenge(found)


@router.get("/tubes/{tube_name}/tutorials", summary="Tutorials proposed for a tube")
async def tutorials(tube_name: str, _: CurrentPrincipal) -> list[dict[str, Any]]:
    tube = load_release().tubes.get(tube_name)
    if tube is None:
        raise ApiError(404, "tube_not_found", "Sujet introuvable.", "tube_name")
    return [_tutorial(t) for t in tube.tutorials]
