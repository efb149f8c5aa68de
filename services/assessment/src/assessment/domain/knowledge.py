"""Knowledge elements: what one answer teaches about the target skills (adaptive-engine.md §3).

An answer gives a direct KE on its skill and inferred KEs in the same tube (§3.2); the latest KE
per skill is the current state (§3.3); old failures are forgotten for a new assessment (§4.1).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from .target import TargetIndex

KeStatus = Literal["validated", "invalidated", "reset"]
KeSource = Literal["direct", "inferred"]

MINIMUM_DELAY_IN_DAYS_BEFORE_RETRYING = 4
"""§4.1, §6.4: an invalidated KE older than this (before the assessment start) is re-asked."""


@dataclass(frozen=True)
class KnowledgeElement:
    """What the learner is known to master on one skill, and since when."""

    skill_id: str
    tube: str
    competence: str
    status: KeStatus
    source: KeSource
    earned_pix: float
    created_at: datetime
    answer_id: str
    assessment_id: str

    @property
    def is_validated(self) -> bool:
        return self.status == "validated"


def knowledge_for_answer(
    index: TargetIndex,
    skill_id: str,
    is_ok: bool,
    *,
    already_assessed: Collection[str],
    at: datetime,
    answer_id: str,
    assessment_id: str,
) -> tuple[KnowledgeElement, ...]:
    """§3.2: the direct KE plus inferred KEs, or nothing when the skill is outside the target
    or already assessed. `is_ok` is `AnswerResult.is_ok`: only `ok` validates.
    """
    if skill_id not in index.skills or skill_id in already_assessed:
        return ()
    asked = index.skills[skill_id]
    status: KeStatus = "validated" if is_ok else "invalidated"

    def ke(sid: str, source: KeSource) -> KnowledgeElement:
        skill = index.skills[sid]
        return KnowledgeElement(
            skill_id=sid,
            tube=skill.tube,
            competence=skill.competence,
            status=status,
            source=source,
            earned_pix=index.pix[sid] if is_ok else 0.0,
            created_at=at,
            answer_id=answer_id,
            assessment_id=assessment_id,
        )

    inferred = tuple(
        ke(other.skill_id, "inferred")
        for other in index.same_tube(skill_id)
        if other.skill_id not in already_assessed
        and (other.difficulty < asked.difficulty if is_ok else other.difficulty > asked.difficulty)
    )
    return (ke(skill_id, "direct"), *inferred)


def latest_per_skill(
    elements: Iterable[KnowledgeElement], until: datetime | None = None
) -> dict[str, KnowledgeElement]:
    """§3.3: the most recent KE of each skill (up to `until`), skills last reset dropped.

    On equal timestamps the later one in the sequence wins (same answer, same instant).
    """
    latest: dict[str, KnowledgeElement] = {}
    for element in elements:
        if until is not None and element.created_at > until:
            continue
        current = latest.get(element.skill_id)
        if current is None or element.created_at >= current.created_at:
            latest[element.skill_id] = element
    return {sid: ke for sid, ke in latest.items() if ke.status != "reset"}


def known_for_assessment(
    latest: Mapping[str, KnowledgeElement], started_at: datetime
) -> dict[str, KnowledgeElement]:
    """§4.1 / §8.6: keep every validated KE, and an invalidated one only when it is less than
    4 days older than the assessment start. The skills left are "tested": never asked again.
    """
    delay = timedelta(days=MINIMUM_DELAY_IN_DAYS_BEFORE_RETRYING)
    return {
        sid: ke
        for sid, ke in latest.items()
        if ke.is_validated or started_at - ke.created_at < delay
    }


def current_knowledge(
    elements: Iterable[KnowledgeElement], started_at: datetime, until: datetime | None = None
) -> dict[str, KnowledgeElement]:
    """The state the engine reads at question time: latest per skill, stale failures dropped."""
    return known_for_assessment(latest_per_skill(elements, until), started_at)
