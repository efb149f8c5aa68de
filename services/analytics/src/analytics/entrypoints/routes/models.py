"""What analytics' routes answer (the OpenAPI contract the web UI reads)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["STARTED", "TO_SHARE", "SHARED"]


class CampaignRow(BaseModel):
    id: str
    name: str
    code: str
    type: Literal["ASSESSMENT", "PROFILES_COLLECTION"]
    owner_id: str
    owner_name: str
    created_at: datetime
    archived_at: datetime | None = None
    participations_count: int = Field(description="Participants (dernière participation)")
    shared_participations_count: int = Field(description="Résultats reçus")


class CampaignPage(BaseModel):
    items: list[CampaignRow]
    total: int
    page: int
    size: int
    has_campaigns: bool


class StatusCount(BaseModel):
    status: Status
    label: str
    count: int
    percentage: float


class DayCount(BaseModel):
    day: str = Field(description="Jour (Europe/Paris), AAAA-MM-JJ")
    count: int = Field(description="Total cumulé à ce jour")


class Activity(BaseModel):
    total: int = Field(description="Total de participants")
    shared: int = Field(description="Résultats (ou profils) reçus")
    statuses: list[StatusCount]
    started: list[DayCount]
    shared_series: list[DayCount]
    unit: Literal["day", "month"]


class ParticipantRow(BaseModel):
    participation_id: str
    first_name: str
    last_name: str
    participant_external_id: str | None = None
    division: str | None = None
    group: str | None = None
    status: Status
    created_at: datetime
    shared_at: datetime | None = None
    participation_count: int


class ParticipantPage(BaseModel):
    items: list[ParticipantRow]
    total: int
    page: int
    size: int


class Bucket(BaseModel):
    label: str
    count: int


class StageCount(BaseModel):
    reached: int
    total: int
    count: int


class AverageStage(BaseModel):
    title: str | None
    stars: int
    of: int


class BadgeCount(BaseModel):
    key: str
    title: str
    image_url: str
    count: int
    percentage: int


class Results(BaseModel):
    results: int = Field(description="Participants dont les résultats sont reçus")
    average_result: float | None = None
    distribution: list[Bucket] = []
    stages: list[StageCount] = []
    average_stage: AverageStage | None = None
    badges: list[BadgeCount] = []
    average_pix: int | None = None
    certifiable: int | None = None


class ResultRow(BaseModel):
    participation_id: str
    first_name: str
    last_name: str
    participant_external_id: str | None = None
    mastery_rate: float | None = None
    pix_score: int | None = None
    is_certifiable: bool | None = None
    certifiable_competences: int | None = None
    shared_count: int
    badges: list[str]
    stage_reached: int | None = None
    stage_total: int | None = None
    evolution: Literal["increase", "decrease", "stable"] | None = None


class ResultPage(BaseModel):
    items: list[ResultRow]
    total: int
    page: int
    size: int


class TutorialOut(BaseModel):
    id: str
    title: str
    source: str
    format: str
    duration: str
    link: str
    locale: str


class Topic(BaseModel):
    tube: str
    practical_title: str
    description: str
    competence: str
    competence_name: str
    area_color: str | None
    average_score: float = Field(description="Pertinence : plus c'est bas, plus c'est recommandé")
    bubbles: int
    label: str
    tutorials: list[TutorialOut]


class CompetenceResult(BaseModel):
    competence: str
    name: str
    area_color: str | None
    targeted_skills: int
    average_validated_skills: float
    validated_percentage: int


class Analysis(BaseModel):
    results: int
    topics: list[Topic]
    competences: list[CompetenceResult]


class Sibling(BaseModel):
    participation_id: str
    attempt: int
    shared_at: datetime | None = None


class ParticipantCompetence(BaseModel):
    competence: str
    name: str
    area_color: str | None
    validated: int | None = None
    total: int | None = None
    mastery_rate: float | None = None
    pix: int | None = None
    level: int | None = None


class ParticipationPage(BaseModel):
    participation_id: str
    first_name: str
    last_name: str
    participant_external_id: str | None = None
    division: str | None = None
    group: str | None = None
    status: Status
    created_at: datetime
    shared_at: datetime | None = None
    progression: float
    participations: list[Sibling]
    mastery_rate: float | None = None
    validated_skills: int | None = None
    badges: list[str]
    stage_reached: int | None = None
    stage_total: int | None = None
    pix_score: int | None = None
    is_certifiable: bool | None = None
    certifiable_competences: int | None = None
    competences: list[ParticipantCompetence]
    topics: list[Topic]


class LearnerRow(BaseModel):
    learner_id: str
    first_name: str
    last_name: str
    division: str | None = None
    group: str | None = None
    participations: int
    last_participation_at: datetime
    last_campaign_id: str
    last_status: Status
    is_certifiable: bool | None = None
    certifiable_at: datetime | None = None


class LearnerParticipation(BaseModel):
    campaign_id: str
    campaign_name: str
    campaign_type: Literal["ASSESSMENT", "PROFILES_COLLECTION"] | None = None
    attempt: int
    status: Status
    created_at: datetime
    shared_at: datetime | None = None
    mastery_rate: float | None = Field(None, description="Seulement une fois les résultats envoyés")
    improved: bool = Field(description="Remplacée par une nouvelle tentative")


class Places(BaseModel):
    occupied: int = Field(description="Élèves ayant au moins une participation")


class LiveRow(BaseModel):
    participation_id: str
    first_name: str
    last_name: str
    status: Status
    answer_count: int = Field(description="Réponses données (passées comprises)")
    progression: float = Field(description="Part des acquis du parcours déjà testés (0 à 1)")
    started_at: datetime
    last_answer_at: datetime | None = None
    stuck_minutes: int | None = Field(
        default=None,
        description="En cours et sans réponse (depuis la dernière, ou le début) depuis "
        "`stuck_after_minutes` minutes au moins : ces minutes",
    )


class LiveView(BaseModel):
    """Suivi en direct : la progression de chaque participant, jamais ses résultats non envoyés."""

    items: list[LiveRow]
    total: int
    started: int = Field(description="Participants en cours")
    stuck: int = Field(description="Participants bloqués")
    stuck_after_minutes: int
    at: datetime = Field(description="L'instant de la lecture")
