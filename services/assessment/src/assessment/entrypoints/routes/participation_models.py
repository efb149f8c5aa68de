"""What the participant routes receive and answer.

The learner sees their own results as soon as the test ends; an organisation member sees a
participation's results only once it is shared (the teacher routes answer statuses only).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from assessment.entrypoints.routes.models import PublicChallenge, Tutorial
from orga_shared.contracts.assessment import ParticipationStatus
from orga_shared.contracts.campaign import CampaignType


class JoinBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64, description="Code de la campagne (casse libre)")
    participant_external_id: str | None = Field(
        default=None, max_length=1000, description="Identifiant demandé par la campagne"
    )
    retry: bool = Field(default=False, description="« Je retente » / « Repasser mon parcours »")
    reset: bool = Field(default=False, description="« Remettre à zéro et tout retenter »")


class AnswerBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    challenge_id: str = Field(min_length=1, max_length=200)
    value: str | None = Field(default=None, max_length=10_000)
    skipped: bool = Field(default=False, description="« Je passe »")
    timed_out: bool = Field(default=False, description="Réponse donnée après le temps imparti")


class RetryFacts(BaseModel):
    can_retry: bool
    can_retry_soon: bool
    remaining_seconds_before_retrying: int | None
    can_reset: bool
    can_improve: bool


class CompetenceResult(BaseModel):
    competence: str
    name: str
    area_color: str | None = None
    validated: int
    total: int
    mastery_percentage: int
    pix: int = Field(description="Pix gagnés sur les acquis de la campagne")


class StageView(BaseModel):
    threshold: int
    title: str
    message: str
    reached: int
    total: int


class BadgeView(BaseModel):
    key: str
    title: str
    message: str
    image_url: str
    obtained: bool


class MyResults(BaseModel):
    """What the learner sees at the end (their own results, shared or not)."""

    mastery_rate: float = Field(ge=0, le=1)
    mastery_percentage: int
    validated_skills: int
    total_skills: int
    pix_score: int
    competences: list[CompetenceResult]
    stage: StageView | None = None
    badges: list[BadgeView] = []


class MyParticipation(BaseModel):
    participation_id: str
    campaign_id: str
    campaign_type: CampaignType
    status: ParticipationStatus
    attempt: int
    created_at: datetime
    shared_at: datetime | None = None
    answer_count: int
    progression: int = Field(description="Pourcentage d'acquis déjà évalués")
    step: int = Field(description="Position dans le bloc de 5 questions en cours (1 à 5)")
    checkpoint_due: bool
    ended: bool
    challenge: PublicChallenge | None = None
    results: MyResults | None = None
    retry: RetryFacts
    has_external_id: bool
    is_improved: bool


class AnswerOutcome(BaseModel):
    answer_number: int
    replayed: bool = Field(description="La même clé d'idempotence était déjà enregistrée")
    checkpoint: bool = Field(description="Afficher le point d'étape avant de continuer")
    ended: bool
    step: int
    challenge: PublicChallenge | None = None


class CorrectedAnswer(BaseModel):
    number: int
    challenge: PublicChallenge
    value: str | None
    result: str
    is_ok: bool
    skipped: bool
    solution: str | None = Field(description="La bonne réponse à afficher")
    tutorials: list[Tutorial] = Field(description="Tutos de l'acquis raté")


class Checkpoint(BaseModel):
    """The answers since the last checkpoint (5, or the rest at the end), corrected."""

    answers: list[CorrectedAnswer]
    ended: bool


class ParticipationSummary(BaseModel):
    """« Mes parcours »: one line per campaign joined."""

    participation_id: str
    campaign_id: str
    campaign_code: str | None = Field(None, description="Le code, pour rouvrir le parcours")
    campaign_type: CampaignType
    status: ParticipationStatus
    created_at: datetime
    shared_at: datetime | None = None
    mastery_percentage: int | None = None


class CompetenceProfile(BaseModel):
    competence: str
    name: str
    area: str
    area_color: str
    pix: int
    level: int
    pix_ahead_for_next_level: int
    remaining_days_before_reset: int


class MyProfile(BaseModel):
    pix_score: int
    max_pix_score: int = Field(description="Le total s'affiche sur 1024 (16 × 8 niveaux × 8 pix)")
    max_level: int
    competences: list[CompetenceProfile]
    certifiable_competences: int
    is_certifiable: bool


class MyTutorial(BaseModel):
    skill_id: str
    tube: str
    competence: str
    tutorial: Tutorial


class TeacherParticipation(BaseModel):
    """What an organisation member sees of a participation: never a result before sharing."""

    participation_id: str
    user_id: str
    learner_id: str | None
    status: ParticipationStatus
    created_at: datetime
    shared_at: datetime | None = None
    mastery_rate: float | None = Field(
        default=None, description="Seulement une fois les résultats envoyés"
    )
    is_improved: bool
