"""The teacher dashboards' formulas (docs/domain/pix-orga.md §3), pure.

- `tube_score`: one participant's relevance score of a topic (tube), §3.4: reached level,
  difficulty, progress and next step, 0-100; a low average means "work on this".
- `recommendation`: the four labels of the "Pertinence" column.
- `mastery_bucket`: the 10 buckets of "Répartition des participants par résultat" (§3.2).
- `evolution`: increase / decrease / stable against the previous sending.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol


class Skill(Protocol):
    @property
    def skill_id(self) -> str: ...

    @property
    def difficulty(self) -> int: ...


def tube_score(tube: Sequence[Skill], validated: Collection[str], max_skill_level: int) -> float:
    """§3.4 `computeRecommendationScore` for one participant and one tube.

    `tube` is the campaign's skills of the tube, `validated` the participant's validated skills
    (any: only the tube's count), `max_skill_level` the highest difficulty of the campaign.
    """
    if not tube:
        return 0.0
    max_diff = max(s.difficulty for s in tube)
    done = [s for s in tube if s.skill_id in validated]
    reached = max((s.difficulty for s in done), default=0)
    reached_level_score = (40 / max_diff) * reached
    difficulty_score = (30 / max_skill_level) * max_diff if max_skill_level else 0.0
    progress_score = (20 / len(tube)) * len(done)
    if not done:
        next_step_score = 0.0
    else:
        missing = [s.difficulty for s in tube if s.skill_id not in validated]
        nxt = min(missing) if missing else max_diff
        next_step_score = (10 / nxt) * reached
    return reached_level_score + difficulty_score + progress_score + next_step_score


@dataclass(frozen=True)
class Recommendation:
    bubbles: int
    label: str


def recommendation(average_score: float) -> Recommendation:
    """§3.4 display: ≤ 25 → 4 bubbles "Très recommandé", ≤ 50 → 3, ≤ 75 → 2, else 1."""
    if average_score <= 25:
        return Recommendation(4, "Très recommandé")
    if average_score <= 50:
        return Recommendation(3, "Fortement recommandé")
    if average_score <= 75:
        return Recommendation(2, "Recommandé")
    return Recommendation(1, "Assez recommandé")


BUCKET_LABELS = tuple(
    "0 % - 10 %" if i == 1 else f"{10 * (i - 1) + 1} % - {10 * i} %" for i in range(1, 11)
)


def mastery_bucket(mastery_rate: float) -> int:
    """§3.2: bucket i (1..10) takes every rate with rate × 100 ≤ 10·i, the first that fits."""
    percent = mastery_rate * 100
    for i in range(1, 11):
        if percent <= 10 * i + 1e-9:
            return i
    return 10


def evolution(previous: float | None, current: float | None) -> str | None:
    """§3.2: against the previous sending of the same learner; None for a first one."""
    if previous is None or current is None:
        return None
    if current > previous:
        return "increase"
    if current < previous:
        return "decrease"
    return "stable"


def key(name: str) -> str:
    """A name usable as a document field (competence codes have dots: "1.1" -> "1_1")."""
    return name.replace(".", "_").replace("$", "_")
