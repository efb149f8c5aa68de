"""Small hand-built content for the engine's tests: tubes of QCU skills, optionally timed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from assessment.domain.knowledge import KnowledgeElement, current_knowledge, knowledge_for_answer
from assessment.domain.selection import (
    AskedChallenge,
    AssessmentEnded,
    NextChallenge,
    next_challenge,
)
from assessment.domain.target import TargetIndex
from orga_shared.content.framework import Challenge, Skill


def challenge(skill: str, suffix: str, *, timer: int | None = None, **extra: object) -> Challenge:
    return Challenge.model_validate(
        {
            "id": f"ch-{skill[1:]}-{suffix}",
            "type": "QCU",
            "instruction": f"Question on {skill}?",
            "proposals": ("oui", "non"),
            "solution": "1",
            "timer": timer,
            "skill": skill,
            "competence": "1.1",
            **extra,
        }
    )


def skill(
    tube: str, level: int, *, pix: float = 1.0, timed: bool = False, competence: str = "1.1"
) -> Skill:
    name = f"{tube}{level}"
    timer = 60 if timed else None
    return Skill(
        level=level,
        name=name,
        tube=tube,
        competence=competence,
        challenges=(challenge(name, "a", timer=timer), challenge(name, "b", timer=timer)),
    ).model_copy(update={"pix_value": pix})


def ladder(tube: str, levels: Iterable[int], **options: object) -> list[Skill]:
    return [skill(tube, level, **options) for level in levels]  # type: ignore[arg-type]


def index(*skills: Skill) -> TargetIndex:
    return TargetIndex.from_skills(skills)


WORKED_EXAMPLE = index(*ladder("@url", range(2, 4)), *ladder("@web", range(1, 6)))
"""§4.7: tube @url levels 2-3 (easy) and tube @web levels 1-5."""


@dataclass(frozen=True)
class Run:
    """A whole simulated assessment: each pick with the state it was chosen from, the end."""

    picks: list[NextChallenge]
    before: list[dict[str, KnowledgeElement]]
    final: dict[str, KnowledgeElement]


START = datetime(2026, 1, 10, tzinfo=UTC)


def simulate(
    target: TargetIndex,
    answers: Callable[[str], bool],
    *,
    seed: str = "assessment-1",
    known: Iterable[KnowledgeElement] = (),
    limit: int = 1000,
) -> Run:
    """Run a whole assessment of at most `limit` questions; `answers(skill_id)`: right or not."""
    elements = list(known)
    asked: list[AskedChallenge] = []
    run = Run([], [], {})
    mine: set[str] = set()
    for n in range(limit + 1):
        state = current_knowledge(elements, started_at=START)
        decision = next_challenge(target, state, asked, seed)
        if isinstance(decision, AssessmentEnded):
            run.final.update(state)
            return run
        if n == limit:
            break
        run.picks.append(decision)
        run.before.append(state)
        asked.append(AskedChallenge(decision.challenge.id, decision.challenge.is_timed))
        new = knowledge_for_answer(
            target,
            decision.skill_id,
            answers(decision.skill_id),
            already_assessed=mine,
            at=START + timedelta(minutes=n + 1),
            answer_id=f"answer-{n}",
            assessment_id=seed,
        )
        mine.update(k.skill_id for k in new)
        elements.extend(new)
    raise AssertionError(f"the assessment did not end after {limit} questions")
