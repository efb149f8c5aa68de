"""Sealed events: what a participant stream records and never publishes (docs/adr/0015).

They hold how the learner did (each answer's value and correction, the knowledge elements it
gave, the challenge asked next, the knowledge carried over at the start). They are folded like
any event but live only in the commit documents of assessment's database; the published events
of `orga_shared.contracts.assessment` say nothing of the results before they are shared.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from orga_shared.events.envelope import DomainEvent
from orga_shared.events.registry import EventRegistry

from .knowledge import KeSource, KeStatus

SEALED = EventRegistry()
"""Registry of the sealed event types (kept apart from the published ones: no JSON Schema is
published for them, and `make schemas` never lists them)."""


class SealedKnowledge(BaseModel):
    """A knowledge element as recorded; tube and competence travel so a KE from another
    campaign's target still scores the profile."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    skill_id: str
    tube: str
    competence: str
    status: KeStatus
    source: KeSource
    earned_pix: float = Field(ge=0)
    created_at: datetime
    answer_id: str
    assessment_id: str


@SEALED.register
class AssessmentOpened(DomainEvent):
    """A new assessment of the participation (at the start, and when improving): its id seeds
    the engine, `started_at` filters old failures, `prior` is what was known before (§4.1)."""

    event_type = "AssessmentOpened"

    participation_id: str
    assessment_id: str
    started_at: datetime
    prior: tuple[SealedKnowledge, ...] = ()


@SEALED.register
class ChallengeAsked(DomainEvent):
    event_type = "ChallengeAsked"

    participation_id: str
    challenge_id: str
    skill_id: str
    timed: bool = False


@SEALED.register
class AnswerEvaluated(DomainEvent):
    """One answer: the client's idempotency key, the value, the correction, the KEs it gave."""

    event_type = "AnswerEvaluated"

    participation_id: str
    answer_id: str
    challenge_id: str
    skill_id: str
    value: str | None
    result: str
    timed: bool = False
    at: datetime
    knowledge: tuple[SealedKnowledge, ...] = ()
    details: dict[str, bool] = Field(default_factory=dict)
