"""Presenters: the participant's state as the routes answer it (French names from the release)."""

from __future__ import annotations

from datetime import datetime

from assessment.application.context import Context
from assessment.domain.answers import correction
from assessment.domain.checkpoint import answers_since_last_checkpoint, progress_step
from assessment.domain.participant import Attempt, CampaignFacts, ParticipantState, retry_facts
from assessment.domain.results import badge_result, participation_result
from assessment.domain.scoring import competence_scores, mastery_percentage, progression
from assessment.entrypoints.routes.content import public_challenge
from assessment.entrypoints.routes.models import PublicChallenge, Tutorial
from assessment.entrypoints.routes.participation_models import (
    BadgeView,
    Checkpoint,
    CompetenceResult,
    CorrectedAnswer,
    MyParticipation,
    MyResults,
    RetryFacts,
    StageView,
)
from orga_shared.content.framework import Challenge

_PUBLIC: dict[str, PublicChallenge] = {}


def challenge_view(ctx: Context, challenge_id: str | None) -> PublicChallenge | None:
    """A challenge as the learner sees it, built once per process and challenge."""
    if challenge_id is None:
        return None
    found = _PUBLIC.get(challenge_id)
    if found is None:
        found = _PUBLIC[challenge_id] = public_challenge(ctx.release.challenges[challenge_id])
    return found


def solution_shown(challenge: Challenge) -> str | None:
    """adaptive-engine.md §2.7: the correction shown at a checkpoint."""
    return correction(challenge).display or None


def tutorials_of(ctx: Context, skill_id: str) -> list[Tutorial]:
    skill = ctx.release.skills.get(skill_id)
    if skill is None:
        return []
    found = (ctx.release.tutorials.get(t) for t in skill.tutorials)
    return [t for t in found if t is not None]


def checkpoint(ctx: Context, attempt: Attempt) -> Checkpoint:
    block = answers_since_last_checkpoint(list(attempt.answers))
    if attempt.completed and len(attempt.answers) % 5 == 0 and attempt.answers:
        block = list(attempt.answers[-5:])
    out = []
    for a in block:
        challenge = ctx.release.challenges[a.challenge_id]
        view = challenge_view(ctx, a.challenge_id)
        assert view is not None
        out.append(
            CorrectedAnswer(
                number=a.number,
                challenge=view,
                value=None if a.result == "aband" else a.value,
                result=a.result,
                is_ok=a.is_ok,
                skipped=a.result == "aband",
                solution=solution_shown(challenge),
                tutorials=[] if a.is_ok else tutorials_of(ctx, a.skill_id),
            )
        )
    return Checkpoint(answers=out, ended=attempt.completed)


def my_results(ctx: Context, campaign: CampaignFacts, attempt: Attempt) -> MyResults | None:
    target = campaign.target
    if target is None or (not attempt.completed and attempt.status != "SHARED"):
        return None
    knowledge = attempt.results_knowledge()
    result = participation_result(target, knowledge)
    skills = set(campaign.skill_ids)
    scores = competence_scores({s: k for s, k in knowledge.items() if s in skills}, ctx.max_level)
    by_competence: dict[str, list[str]] = {}
    for s in target.skills:
        by_competence.setdefault(s.competence, []).append(s.skill_id)
    competences = []
    for code, ids in by_competence.items():
        validated = sum(1 for sid in ids if (k := knowledge.get(sid)) and k.is_validated)
        try:
            name = ctx.release.area_competence(code).name
            color = next(
                a.color for a in ctx.release.areas if any(c.code == code for c in a.competences)
            )
        except (KeyError, StopIteration):
            name, color = code, None
        competences.append(
            CompetenceResult(
                competence=code,
                name=name,
                area_color=color,
                validated=validated,
                total=len(ids),
                mastery_percentage=mastery_percentage(ids, knowledge),
                pix=scores[code].pix if code in scores else 0,
            )
        )
    stage = None
    if result.stage is not None:
        reached = [s for s in target.stages if s.threshold <= result.stage.threshold]
        stage = StageView(
            threshold=result.stage.threshold,
            title=result.stage.title,
            message=result.stage.message,
            reached=len(reached),
            total=len(target.stages),
        )
    badges = [
        BadgeView(
            key=b.key,
            title=b.title,
            message=b.message,
            image_url=b.image_url,
            obtained=badge_result(b, target.skills, knowledge).obtained,
        )
        for b in target.badges
    ]
    return MyResults(
        mastery_rate=result.mastery_rate,
        mastery_percentage=result.mastery_percentage,
        validated_skills=result.validated_skills,
        total_skills=len(target.skills),
        pix_score=sum(s.pix for s in scores.values()),
        competences=competences,
        stage=stage,
        badges=badges,
    )


def my_participation(
    ctx: Context,
    state: ParticipantState,
    attempt: Attempt,
    campaign: CampaignFacts,
    now: datetime,
) -> MyParticipation:
    skills = campaign.skill_ids
    return MyParticipation(
        participation_id=attempt.participation_id,
        campaign_id=state.campaign_id,
        campaign_type=state.campaign_type,
        status=attempt.status,
        attempt=attempt.number,
        created_at=attempt.created_at,
        shared_at=attempt.shared_at,
        answer_count=len(attempt.answers),
        progression=round(
            100 * progression(skills, attempt.engine_knowledge(), completed=attempt.completed)
        )
        if skills
        else 100,
        step=progress_step(len(attempt.answers)),
        checkpoint_due=bool(attempt.answers) and len(attempt.answers) % 5 == 0,
        ended=attempt.completed or attempt.status != "STARTED",
        challenge=challenge_view(ctx, attempt.current.challenge_id if attempt.current else None),
        results=my_results(ctx, campaign, attempt),
        retry=RetryFacts.model_validate(retry_facts(attempt, campaign, now)),
        has_external_id=attempt.has_external_id,
        is_improved=attempt.improved,
    )
