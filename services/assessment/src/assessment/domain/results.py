"""Stages reached and badges obtained at the end of a participation (adaptive-engine.md §7.2, §7.3).

Both read the frozen target of the campaign (level stages already converted to thresholds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from orga_shared.content.models import round_half_up
from orga_shared.content.stages import reached_stage
from orga_shared.contracts.campaign import (
    FrozenBadge,
    FrozenBadgeCriterion,
    FrozenStage,
    FrozenTarget,
    TargetSkill,
)

from .knowledge import KnowledgeElement
from .scoring import mastery_percentage, mastery_rate, validated_count


def criterion_skills(
    criterion: FrozenBadgeCriterion, skills: Sequence[TargetSkill]
) -> tuple[str, ...]:
    """§7.3: all campaign skills, or those of each capped tube with difficulty ≤ its level."""
    if criterion.scope == "CampaignParticipation":
        return tuple(s.skill_id for s in skills)
    caps = {c.tube: c.level for c in criterion.capped_tubes}
    return tuple(s.skill_id for s in skills if s.tube in caps and s.difficulty <= caps[s.tube])


def criterion_acquisition(
    criterion: FrozenBadgeCriterion,
    skills: Sequence[TargetSkill],
    knowledge: Mapping[str, KnowledgeElement],
) -> int:
    """§7.3: min(100, round(100 × mastery% / threshold)), mastery% = round(100 × validated / n).

    A threshold of 0 is always fulfilled; a criterion over no skill has a mastery of 0.
    """
    subset = criterion_skills(criterion, skills)
    if criterion.threshold == 0:
        return 100
    mastery = round_half_up(100 * validated_count(subset, knowledge) / len(subset)) if subset else 0
    return min(100, round_half_up(100 * mastery / criterion.threshold))


@dataclass(frozen=True)
class BadgeResult:
    """A badge's outcome: obtained iff every criterion is at 100 %; progress = their mean."""

    key: str
    obtained: bool
    progress: float


def badge_result(
    badge: FrozenBadge, skills: Sequence[TargetSkill], knowledge: Mapping[str, KnowledgeElement]
) -> BadgeResult:
    acquisitions = [criterion_acquisition(c, skills, knowledge) for c in badge.criteria]
    return BadgeResult(
        key=badge.key,
        obtained=all(a == 100 for a in acquisitions),
        progress=sum(acquisitions) / len(acquisitions) if acquisitions else 0.0,
    )


def obtained_badges(
    badges: Sequence[FrozenBadge],
    skills: Sequence[TargetSkill],
    knowledge: Mapping[str, KnowledgeElement],
) -> list[str]:
    """The keys of the badges won, in the target's order."""
    return [b.key for b in badges if badge_result(b, skills, knowledge).obtained]


@dataclass(frozen=True)
class ParticipationResult:
    """What completion stores (§5.4, §7.2, §7.3): mastery, the stage reached, the badges won."""

    validated_skills: int
    mastery_rate: float
    mastery_percentage: int
    stage: FrozenStage | None
    badges: tuple[BadgeResult, ...]


def participation_result(
    target: FrozenTarget, knowledge: Mapping[str, KnowledgeElement]
) -> ParticipationResult:
    """Evaluate a participation against its campaign's frozen target (latest KEs in)."""
    skills = [s.skill_id for s in target.skills]
    validated = validated_count(skills, knowledge)
    percent = mastery_percentage(skills, knowledge)
    return ParticipationResult(
        validated_skills=validated,
        mastery_rate=mastery_rate(skills, knowledge),
        mastery_percentage=percent,
        stage=reached_stage(target.stages, validated, percent),
        badges=tuple(badge_result(b, target.skills, knowledge) for b in target.badges),
    )
