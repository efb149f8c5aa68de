"""The next challenge of a campaign assessment: "smart random" (adaptive-engine.md §4, §8.7-10).

A grid estimate of the learner's level (§4.4a), filters (§4.3, §4.4b), the expected number of
skills an answer settles (§4.4c), and a choice among the best seeded by the assessment id (§4.5).
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from orga_shared.content.framework import Challenge
from orga_shared.contracts.campaign import TargetSkill

from .knowledge import KnowledgeElement
from .target import TargetIndex

CAT_LEVELS: tuple[float, ...] = tuple(k / 2 for k in range(1, 16))  # 0.5, 1, ..., 7.5
VIRTUAL_ANSWERS: tuple[tuple[int, int], ...] = ((1, 0), (0, 7))
MAX_LEVEL_TO_BE_AN_EASY_TUBE = 3
DEFAULT_LEVEL_FOR_FIRST_CHALLENGE = 2
MAX_DIFF_BETWEEN_USER_LEVEL_AND_SKILL_LEVEL = 2


@dataclass(frozen=True)
class AskedChallenge:
    """A challenge already answered in this assessment, and whether it was timed."""

    challenge_id: str
    timed: bool = False


@dataclass(frozen=True)
class NextChallenge:
    """The engine's pick: a challenge, its skill and the level estimate it was chosen for."""

    challenge: Challenge
    skill_id: str
    estimated_level: float


@dataclass(frozen=True)
class AssessmentEnded:
    """§4.6: no untested, playable target skill survives the filters."""

    estimated_level: float


Decision = NextChallenge | AssessmentEnded


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def predicted_level(direct: Iterable[tuple[int, int]]) -> float:
    """§4.4a: the grid level minimising |Σ(outcome − σ(L − d))| with the virtual answers;
    the first (smallest) on a tie. `direct` is (1 if validated else 0, difficulty) pairs.
    """
    pairs = (*direct, *VIRTUAL_ANSWERS)
    best, best_gap = CAT_LEVELS[0], math.inf
    for level in CAT_LEVELS:
        gap = abs(sum(outcome - sigmoid(level - d) for outcome, d in pairs))
        if gap < best_gap:
            best, best_gap = level, gap
    return best


def direct_outcomes(
    knowledge: Mapping[str, KnowledgeElement], index: TargetIndex
) -> list[tuple[int, int]]:
    """The (outcome, difficulty) pairs of the direct KEs on target skills; inferred are ignored."""
    return [
        (1 if ke.is_validated else 0, index.skills[sid].difficulty)
        for sid, ke in knowledge.items()
        if ke.source == "direct" and sid in index.skills
    ]


def reward(
    level: float, skill: TargetSkill, tube: Sequence[TargetSkill], tested: Collection[str]
) -> float:
    """§4.4c: p × #untested easier-or-equal + (1 − p) × #untested harder-or-equal in its tube."""
    p = sigmoid(level - skill.difficulty)
    untested = [s for s in tube if s.skill_id not in tested]
    easier = sum(1 for s in untested if s.difficulty <= skill.difficulty)
    harder = sum(1 for s in untested if s.difficulty >= skill.difficulty)
    return p * easier + (1 - p) * harder


def _remaining(
    index: TargetIndex, asked: Collection[str], tested: Collection[str]
) -> dict[str, tuple[Challenge, ...]]:
    """§4.2: each untested target skill's challenges not yet answered in this assessment
    (tested skills are never candidates: skipping them first keeps an answer's work small)."""
    touched = {index.owners[c] for c in asked if c in index.owners}
    return {
        sid: rest
        for sid, items in index.challenges.items()
        if sid not in tested
        and (rest := tuple(c for c in items if c.id not in asked) if sid in touched else items)
    }


def _easy_first(index: TargetIndex, skills: list[TargetSkill]) -> list[TargetSkill]:
    easy = [s for s in skills if index.max_level(s.tube) <= MAX_LEVEL_TO_BE_AN_EASY_TUBE]
    return easy or skills


def _untimed_if_any(
    skills: list[TargetSkill], remaining: Mapping[str, tuple[Challenge, ...]]
) -> list[TargetSkill]:
    untimed = [s for s in skills if not remaining[s.skill_id][0].is_timed]
    return untimed or skills


def candidates(
    index: TargetIndex,
    knowledge: Mapping[str, KnowledgeElement],
    asked: Sequence[AskedChallenge],
) -> tuple[list[TargetSkill], float, Mapping[str, tuple[Challenge, ...]]]:
    """The max-reward skills (§4.3 or §4.4), the estimated level and the remaining challenges."""
    remaining = _remaining(index, {a.challenge_id for a in asked}, knowledge)
    skills = [s for s in index.skills.values() if s.skill_id in remaining]
    skills = _easy_first(index, skills)
    if not asked:
        skills = _untimed_if_any(skills, remaining)
        at_default = [s for s in skills if s.difficulty == DEFAULT_LEVEL_FOR_FIRST_CHALLENGE]
        if not at_default and skills:
            lowest = min(s.difficulty for s in skills)
            at_default = [s for s in skills if s.difficulty == lowest]
        return at_default, float(DEFAULT_LEVEL_FOR_FIRST_CHALLENGE), remaining
    level = predicted_level(direct_outcomes(knowledge, index))
    if asked[-1].timed:
        skills = _untimed_if_any(skills, remaining)
    skills = [
        s for s in skills if s.difficulty - level <= MAX_DIFF_BETWEEN_USER_LEVEL_AND_SKILL_LEVEL
    ]
    rewards = {s.skill_id: reward(level, s, index.tubes[s.tube], knowledge) for s in skills}
    top = max(rewards.values(), default=0.0)
    return [s for s in skills if rewards[s.skill_id] == top], level, remaining


def next_challenge(
    index: TargetIndex,
    knowledge: Mapping[str, KnowledgeElement],
    asked: Sequence[AskedChallenge],
    seed: str,
) -> Decision:
    """§4.5: one of the best skills, then one of its remaining challenges (`validé` preferred),
    both drawn from `random.Random(seed)` with the assessment id as seed: same run, same test.

    `knowledge` is the state of `knowledge.current_knowledge` (stale failures already dropped).
    """
    best, level, remaining = candidates(index, knowledge, asked)
    if not best:
        return AssessmentEnded(estimated_level=level)
    rng = random.Random(seed)
    skill = rng.choice(sorted(best, key=lambda s: s.skill_id))
    challenges = remaining[skill.skill_id]
    validated = [c for c in challenges if c.status == "validé"]
    challenge = rng.choice(validated or list(challenges))
    return NextChallenge(challenge=challenge, skill_id=skill.skill_id, estimated_level=level)
