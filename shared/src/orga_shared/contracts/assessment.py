"""Published contracts of the assessment service: events on `assessment.events`, keyed by user id
(one learner's history stays in order, docs/design.md §2).

Before a participation is shared nothing here says how well the learner did: `AnswerRecorded`
counts answers, `AssessmentCompleted` says the test ended; correctness, knowledge elements and
scores stay sealed inside the service (docs/adr/0015-participation-store.md). `ResultsShared`
and `ProfileShared` carry the frozen snapshot the organisation may see from then on
(docs/domain/pix-orga.md §2.4, docs/domain/adaptive-engine.md §5). Ids only: the participant's
external id is personal data and travels on the compacted `assessment.participant-ids` topic.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from orga_shared.contracts.campaign import CampaignType
from orga_shared.events.envelope import DomainEvent
from orga_shared.events.registry import EVENTS

EVENTS_TOPIC = "assessment.events"
PARTICIPANT_IDS_TOPIC = "assessment.participant-ids"

ParticipationStatus = Literal["STARTED", "TO_SHARE", "SHARED"]
SkillStatus = Literal["validated", "invalidated", "untested"]


class ParticipationEvent(DomainEvent):
    """The ids every event of a participant stream carries."""

    participation_id: str
    campaign_id: str
    organisation_id: str
    user_id: str


@EVENTS.register
class ParticipationStarted(ParticipationEvent):
    """A learner joined (ASSESSMENT: STARTED; PROFILES_COLLECTION: TO_SHARE at once).

    `replaces` is the earlier participation a retry marks improved (pix-orga.md §2.5 "Then").
    """

    event_type = "ParticipationStarted"

    campaign_type: CampaignType
    learner_id: str | None = None
    attempt: int = Field(ge=1)
    status: ParticipationStatus
    replaces: str | None = None
    is_reset: bool = False
    has_external_id: bool = False
    started_at: datetime


@EVENTS.register
class AnswerRecorded(ParticipationEvent):
    """One more answer (its number in the participation); nothing about whether it was right."""

    event_type = "AnswerRecorded"

    answer_number: int = Field(ge=1)
    progression: float = Field(
        ge=0,
        le=1,
        description="Share of the target skills already tested (right or wrong alike: Orga "
        "shows it for participations in progress, pix-orga.md §4.2 `% de progression`).",
    )


@EVENTS.register
class AssessmentCompleted(ParticipationEvent):
    """The engine had nothing left to ask: the participation waits to be sent (TO_SHARE)."""

    event_type = "AssessmentCompleted"

    answer_count: int = Field(ge=0)


@EVENTS.register
class ImprovementStarted(ParticipationEvent):
    """ "Je retente" before sending: back to STARTED, old failures asked again (§6.5)."""

    event_type = "ImprovementStarted"

    previous_status: ParticipationStatus


class SkillResult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    skill_id: str
    tube: str
    competence: str
    difficulty: int
    status: SkillStatus


class GroupCount(BaseModel):
    """Validated and total target skills of one competence or one tube."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    validated: int = Field(ge=0)
    total: int = Field(ge=0)


class SharedStage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    threshold: int
    title: str
    reached: int = Field(ge=0, description="stages reached, the first one included")
    total: int = Field(ge=1)


@EVENTS.register
class ResultsShared(ParticipationEvent):
    """The frozen results of an ASSESSMENT participation, as the learner sent them (§2.4)."""

    event_type = "ResultsShared"

    learner_id: str | None = None
    shared_at: datetime
    skills: tuple[SkillResult, ...]
    validated_skills_count: int = Field(ge=0)
    mastery_rate: float = Field(ge=0, le=1)
    pix_score: int = Field(ge=0)
    competences: tuple[GroupCount, ...]
    tubes: tuple[GroupCount, ...]
    stage: SharedStage | None = None
    badges: tuple[str, ...] = ()


class CompetenceLevel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    competence: str
    pix: int = Field(ge=0)
    level: int = Field(ge=0)


@EVENTS.register
class ProfileShared(ParticipationEvent):
    """A PROFILES_COLLECTION participation sent: the Pix profile as of `shared_at` (§5)."""

    event_type = "ProfileShared"

    learner_id: str | None = None
    shared_at: datetime
    competences: tuple[CompetenceLevel, ...]
    pix_score: int = Field(ge=0)
    certifiable_competences: int = Field(ge=0)
    is_certifiable: bool


@EVENTS.register
class ParticipationDeleted(ParticipationEvent):
    """A teacher deleted the learner's participations in a campaign (§2.9); `deleted_by` is a
    user id."""

    event_type = "ParticipationDeleted"

    deleted_by: str
    status: ParticipationStatus = Field(description="The status of the participation deleted")


@EVENTS.register
class CompetenceReset(DomainEvent):
    """The learner reset one competence of the profile (7 days after its last answer, §6.6)."""

    event_type = "CompetenceReset"

    user_id: str
    competence: str


class ParticipantIds(BaseModel):
    """Personal value of a participation, on the compacted `assessment.participant-ids` topic
    keyed by participation id (a tombstone when the participation or the user is erased)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = 1
    participation_id: str
    campaign_id: str
    participant_external_id: str
    version: int = Field(ge=1, description="Newer values of a participation have higher ones")
    updated_at: datetime


__all__ = [
    "EVENTS_TOPIC",
    "PARTICIPANT_IDS_TOPIC",
    "AnswerRecorded",
    "AssessmentCompleted",
    "CompetenceLevel",
    "CompetenceReset",
    "GroupCount",
    "ImprovementStarted",
    "ParticipantIds",
    "ParticipationDeleted",
    "ParticipationEvent",
    "ParticipationStarted",
    "ParticipationStatus",
    "ProfileShared",
    "ResultsShared",
    "SharedStage",
    "SkillResult",
    "SkillStatus",
]
