"""When a learner may retry, improve or reset (adaptive-engine.md §6.4-6.6, §8.13).

What is re-asked then follows from `knowledge.known_for_assessment` (§4.1); a reset writes
`reset` KEs that `knowledge.latest_per_skill` drops.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from .knowledge import MINIMUM_DELAY_IN_DAYS_BEFORE_RETRYING, KnowledgeElement

MINIMUM_DELAY_IN_DAYS_BEFORE_IMPROVING = 4
MINIMUM_DELAY_IN_DAYS_FOR_RESET = 7
MAX_MASTERY_RATE = 1.0


def seconds_before_retrying(shared_at: datetime, now: datetime) -> float:
    """§6.4: `remainingSecondsBeforeRetrying`, 0 once 4 days have passed since sharing."""
    due = shared_at + timedelta(days=MINIMUM_DELAY_IN_DAYS_BEFORE_RETRYING)
    return max(0.0, (due - now).total_seconds())


def can_retry(
    *,
    shared_at: datetime | None,
    now: datetime,
    mastery_rate: float,
    multiple_sendings: bool,
    learner_active: bool = True,
    archived_or_deleted: bool = False,
) -> bool:
    """§6.4: shared, multiple sendings, active, not archived, mastery < 100 %, 4 days after."""
    return (
        shared_at is not None
        and multiple_sendings
        and learner_active
        and not archived_or_deleted
        and mastery_rate < MAX_MASTERY_RATE
        and seconds_before_retrying(shared_at, now) == 0
    )


def can_improve(
    *, shared: bool, knowledge: Mapping[str, KnowledgeElement], assessment_started_at: datetime
) -> bool:
    """§6.5: before sharing, when some invalidated KE is at least 4 days older than the start."""
    delay = timedelta(days=MINIMUM_DELAY_IN_DAYS_BEFORE_IMPROVING)
    return not shared and any(
        not ke.is_validated and assessment_started_at - ke.created_at >= delay
        for ke in knowledge.values()
    )


def days_before_competence_reset(
    knowledge: Iterable[KnowledgeElement], competence: str, now: datetime
) -> int:
    """§6.6: days left (rounded up) before a reset is allowed, 7 after the competence's last KE."""
    last = max((ke.created_at for ke in knowledge if ke.competence == competence), default=None)
    if last is None:
        return 0
    left = (last + timedelta(days=MINIMUM_DELAY_IN_DAYS_FOR_RESET) - now) / timedelta(days=1)
    return 0 if left <= 0 else math.ceil(left)


def reset_competence(
    latest: Mapping[str, KnowledgeElement], competence: str, at: datetime, answer_id: str = ""
) -> tuple[KnowledgeElement, ...]:
    """§6.6: one `reset` KE (0 pix) over each latest KE of the competence."""
    return tuple(
        replace(ke, status="reset", earned_pix=0.0, created_at=at, answer_id=answer_id)
        for ke in latest.values()
        if ke.competence == competence
    )
