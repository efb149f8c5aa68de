"""Pix, levels, mastery and progression of a participation (adaptive-engine.md §5.2-5.5, §6.2).

Computed from the latest KEs only (`knowledge.latest_per_skill`): invalidated ones earn 0 pix.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from orga_shared.content.models import round_half_up

from .knowledge import KnowledgeElement

PIX_COUNT_BY_LEVEL = 8
MAX_REACHABLE_LEVEL = 5
"""§5.3: the code default; production very likely uses 7, so every function takes `max_level`."""
MAX_REACHABLE_LEVEL_IN_PRODUCTION = 7
MINIMUM_COMPETENCE_LEVEL_FOR_CERTIFIABILITY = 1
MINIMUM_CERTIFIABLE_COMPETENCES = 5


@dataclass(frozen=True)
class CompetenceScore:
    """§5.2: the capped pix and level of one competence."""

    competence: str
    pix: int
    level: int

    @property
    def pix_ahead_for_next_level(self) -> int:
        return self.pix % PIX_COUNT_BY_LEVEL


def competence_score(
    competence: str, earned: Iterable[float], max_level: int = MAX_REACHABLE_LEVEL
) -> CompetenceScore:
    """pix = min(floor(Σ), 8 × max_level); level = min(floor(Σ / 8), max_level)."""
    total = sum(earned)
    return CompetenceScore(
        competence=competence,
        pix=min(math.floor(total), PIX_COUNT_BY_LEVEL * max_level),
        level=min(math.floor(total / PIX_COUNT_BY_LEVEL), max_level),
    )


def competence_scores(
    knowledge: Mapping[str, KnowledgeElement], max_level: int = MAX_REACHABLE_LEVEL
) -> dict[str, CompetenceScore]:
    """Each competence with at least one KE -> its score, from the KEs' earned pix."""
    earned: dict[str, list[float]] = {}
    for ke in knowledge.values():
        earned.setdefault(ke.competence, []).append(ke.earned_pix if ke.is_validated else 0.0)
    return {c: competence_score(c, pix, max_level) for c, pix in sorted(earned.items())}


def total_pix(scores: Mapping[str, CompetenceScore]) -> int:
    """§5.3: the sum of the capped competence pix scores."""
    return sum(s.pix for s in scores.values())


def is_certifiable(scores: Mapping[str, CompetenceScore]) -> bool:
    """§5.5: at least 5 competences at level ≥ 1."""
    reached = [s for s in scores.values() if s.level >= MINIMUM_COMPETENCE_LEVEL_FOR_CERTIFIABILITY]
    return len(reached) >= MINIMUM_CERTIFIABLE_COMPETENCES


def validated_count(skills: Collection[str], knowledge: Mapping[str, KnowledgeElement]) -> int:
    """How many of `skills` have a validated latest KE."""
    return sum(1 for sid in skills if (ke := knowledge.get(sid)) is not None and ke.is_validated)


def mastery_rate(skills: Collection[str], knowledge: Mapping[str, KnowledgeElement]) -> float:
    """§5.4: validated target skills / target skills, in [0, 1] (0 for an empty target)."""
    if not skills:
        return 0.0
    return validated_count(skills, knowledge) / len(skills)


def mastery_percentage(skills: Collection[str], knowledge: Mapping[str, KnowledgeElement]) -> int:
    """§5.4: round(100 × validated / target skills), half up as the reference rounds."""
    return round_half_up(100 * mastery_rate(skills, knowledge))


def progression(
    skills: Collection[str], knowledge: Mapping[str, KnowledgeElement], *, completed: bool
) -> float:
    """§6.2: share of target skills with a KE (after the §4.1 filter); 1 once completed."""
    if completed:
        return 1.0
    if not skills:
        return 0.0
    return sum(1 for sid in skills if sid in knowledge) / len(skills)
