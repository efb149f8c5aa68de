"""The participant aggregate: one learner in one campaign, every attempt of theirs in order.

A stream per (campaign, user) decides atomically what the reference enforces with unique
constraints (one active participation per learner, docs/domain/pix-orga.md §2.1), the ordered
join checks (§2.5), retry / improve / reset (§2.6, adaptive-engine.md §6.4-6.6), answers and the
next challenge (§4), completion, and sharing with its frozen snapshot (§2.4).

`decide_*` functions are pure: facts in, events out (or `Refused`). `evolve` folds an event into a
new state; it copies what it changes (the answers and knowledge of one attempt, bounded by the
campaign's target profile), never the whole history.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Literal

from orga_shared.content.stages import acquired_stages
from orga_shared.contracts.assessment import (
    AnswerRecorded,
    AssessmentCompleted,
    CompetenceLevel,
    GroupCount,
    ImprovementStarted,
    ParticipationDeleted,
    ParticipationStarted,
    ParticipationStatus,
    ProfileShared,
    ResultsShared,
    SharedStage,
    SkillResult,
)
from orga_shared.contracts.campaign import CampaignType, FrozenTarget
from orga_shared.events.envelope import DomainEvent

from .answers import AnswerResult
from .checkpoint import is_checkpoint_due
from .knowledge import KnowledgeElement, knowledge_for_answer, known_for_assessment
from .results import participation_result
from .retry import MINIMUM_DELAY_IN_DAYS_BEFORE_IMPROVING, can_retry, seconds_before_retrying
from .scoring import (
    MAX_REACHABLE_LEVEL,
    MINIMUM_COMPETENCE_LEVEL_FOR_CERTIFIABILITY,
    competence_scores,
    is_certifiable,
    progression,
    total_pix,
)
from .sealed import AnswerEvaluated, AssessmentOpened, ChallengeAsked, SealedKnowledge
from .selection import AskedChallenge, AssessmentEnded, next_challenge
from .target import TargetIndex

EXTERNAL_ID_MAX_LENGTH = 255
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MINIMUM_DELAY_IN_DAYS_BEFORE_RESET = 4
"""§2.6 campaign reset ("Remise à zéro"): 4 days after sharing."""


def participant_stream(campaign_id: str, user_id: str) -> str:
    return f"participant-{campaign_id}-{user_id}"


class Refused(Exception):
    """A command the rules refuse: a stable `code`, a French `message` the UI shows as it is,
    the HTTP status the route answers, and the request field at fault if any."""

    def __init__(self, code: str, message: str, status: int = 403, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.field = field


# --- facts the commands are decided on -------------------------------------------------------


@dataclass(frozen=True)
class CampaignFacts:
    """What assessment knows of a campaign (its projection of campaign.events)."""

    campaign_id: str
    organisation_id: str
    type: CampaignType
    code: str
    multiple_sendings: bool = False
    external_id_label: str | None = None
    external_id_type: Literal["STRING", "EMAIL"] | None = None
    archived: bool = False
    deleted: bool = False
    target: FrozenTarget | None = None
    resettable: bool = False
    owner_id: str | None = None

    @property
    def accessible(self) -> bool:
        return not (self.archived or self.deleted)

    @property
    def skill_ids(self) -> tuple[str, ...]:
        return tuple(s.skill_id for s in self.target.skills) if self.target else ()


@dataclass(frozen=True)
class LearnerFacts:
    """The organisation learner linked to the user in the campaign's organisation, if any."""

    learner_id: str | None = None
    disabled: bool = False


@dataclass(frozen=True)
class JoinRequest:
    user_id: str
    participant_external_id: str | None = None
    retry: bool = False
    reset: bool = False


@dataclass(frozen=True)
class AnswerCommand:
    answer_id: str
    challenge_id: str
    value: str | None
    result: AnswerResult
    at: datetime


# --- state -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    answer_id: str
    number: int
    challenge_id: str
    skill_id: str
    value: str | None
    result: str
    timed: bool
    at: datetime
    details: Mapping[str, bool] = field(default_factory=dict)

    @property
    def is_ok(self) -> bool:
        return self.result == "ok"


@dataclass(frozen=True)
class Asked:
    challenge_id: str
    skill_id: str
    timed: bool


@dataclass(frozen=True)
class Attempt:
    """One participation (the reference's `campaign-participations` row and its assessments)."""

    participation_id: str
    number: int
    status: ParticipationStatus
    created_at: datetime
    learner_id: str | None = None
    has_external_id: bool = False
    assessment_id: str = ""
    assessment_started_at: datetime | None = None
    answers: tuple[Answer, ...] = ()
    knowledge: Mapping[str, KnowledgeElement] = field(default_factory=dict)
    current: Asked | None = None
    completed: bool = False
    shared_at: datetime | None = None
    mastery_rate: float | None = None
    validated_skills: int | None = None
    improved: bool = False
    deleted: bool = False
    improving: bool = False
    """The current assessment was opened by « Je retente » (§2.6 improve) and is unfinished."""

    def answer(self, answer_id: str) -> Answer | None:
        return next((a for a in reversed(self.answers) if a.answer_id == answer_id), None)

    def engine_knowledge(self) -> dict[str, KnowledgeElement]:
        """What the engine reads (§4.1): latest KEs, resets dropped, stale failures forgotten."""
        started = self.assessment_started_at or self.created_at
        live = {sid: ke for sid, ke in self.knowledge.items() if ke.status != "reset"}
        return known_for_assessment(live, started)

    def results_knowledge(self) -> dict[str, KnowledgeElement]:
        return {sid: ke for sid, ke in self.knowledge.items() if ke.status != "reset"}


@dataclass(frozen=True)
class ParticipantState:
    campaign_id: str = ""
    user_id: str = ""
    organisation_id: str = ""
    campaign_type: CampaignType = "ASSESSMENT"
    attempts: tuple[Attempt, ...] = ()

    @property
    def current(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    def attempt(self, participation_id: str) -> Attempt | None:
        return next((a for a in self.attempts if a.participation_id == participation_id), None)

    def _with_current(self, attempt: Attempt) -> ParticipantState:
        return replace(self, attempts=(*self.attempts[:-1], attempt))


INITIAL = ParticipantState()


def _ke(k: SealedKnowledge) -> KnowledgeElement:
    return KnowledgeElement(**dict(k))


def sealed(ke: KnowledgeElement) -> SealedKnowledge:
    return SealedKnowledge.model_validate(ke, from_attributes=True)


def evolve(state: ParticipantState, event: DomainEvent) -> ParticipantState:
    current = state.current
    match event:
        case ParticipationStarted():
            attempts = state.attempts
            if event.replaces is not None:
                attempts = tuple(
                    replace(a, improved=True) if a.participation_id == event.replaces else a
                    for a in attempts
                )
            new = Attempt(
                participation_id=event.participation_id,
                number=event.attempt,
                status=event.status,
                created_at=event.started_at,
                learner_id=event.learner_id,
                has_external_id=event.has_external_id,
            )
            return replace(
                state,
                campaign_id=event.campaign_id,
                user_id=event.user_id,
                organisation_id=event.organisation_id,
                campaign_type=event.campaign_type,
                attempts=(*attempts, new),
            )
        case AssessmentOpened() if current is not None:
            knowledge = dict(current.knowledge)
            for k in event.prior:
                knowledge[k.skill_id] = _ke(k)
            return state._with_current(
                replace(
                    current,
                    assessment_id=event.assessment_id,
                    assessment_started_at=event.started_at,
                    knowledge=MappingProxyType(knowledge),
                    completed=False,
                )
            )
        case ChallengeAsked() if current is not None:
            asked = Asked(event.challenge_id, event.skill_id, event.timed)
            return state._with_current(replace(current, current=asked))
        case AnswerEvaluated() if current is not None:
            knowledge = dict(current.knowledge)
            for k in event.knowledge:
                knowledge[k.skill_id] = _ke(k)
            answer = Answer(
                answer_id=event.answer_id,
                number=len(current.answers) + 1,
                challenge_id=event.challenge_id,
                skill_id=event.skill_id,
                value=event.value,
                result=event.result,
                timed=event.timed,
                at=event.at,
                details=event.details,
            )
            return state._with_current(
                replace(
                    current,
                    answers=(*current.answers, answer),
                    knowledge=MappingProxyType(knowledge),
                    current=None,
                )
            )
        case AssessmentCompleted() if current is not None:
            return state._with_current(
                replace(current, completed=True, status="TO_SHARE", current=None, improving=False)
            )
        case ImprovementStarted() if current is not None:
            return state._with_current(
                replace(current, status="STARTED", completed=False, improving=True)
            )
        case ResultsShared() if current is not None:
            return state._with_current(
                replace(
                    current,
                    status="SHARED",
                    shared_at=event.shared_at,
                    mastery_rate=event.mastery_rate,
                    validated_skills=event.validated_skills_count,
                )
            )
        case ProfileShared() if current is not None:
            return state._with_current(
                replace(
                    current,
                    status="SHARED",
                    shared_at=event.shared_at,
                )
            )
        case ParticipationDeleted():
            return replace(state, attempts=tuple(replace(a, deleted=True) for a in state.attempts))
    return state


# --- joining (§2.5) --------------------------------------------------------------------------

NOT_ALLOWED = "Vous n'êtes pas autorisé à rejoindre la campagne."


def check_external_id(campaign: CampaignFacts, value: str | None) -> str | None:
    """Rules 9 and 10: the external id asked by the campaign, trimmed; None when not asked."""
    if campaign.external_id_label is None:
        return None
    value = (value or "").strip()
    if not value:
        raise Refused(
            "MISSING_EXTERNAL_ID",
            f"Veuillez saisir votre {campaign.external_id_label} pour commencer.",
            422,
            "participant_external_id",
        )
    if len(value) > EXTERNAL_ID_MAX_LENGTH:
        raise Refused(
            "EXTERNAL_ID_TOO_LONG",
            f"Votre {campaign.external_id_label} ne doit pas dépasser 255 caractères.",
            422,
            "participant_external_id",
        )
    if campaign.external_id_type == "EMAIL" and not EMAIL.match(value):
        raise Refused(
            "INVALID_EMAIL",
            f"Votre {campaign.external_id_label} doit être une adresse e-mail valide "
            "(par exemple nom@exemple.fr).",
            422,
            "participant_external_id",
        )
    return value


@dataclass(frozen=True)
class JoinDecision:
    """`resume`: the learner already has a participation to go on with (nothing to write)."""

    events: list[DomainEvent]
    resume: bool
    external_id: str | None = None
    reuse_external_id_of: str | None = None


def can_reset(attempt: Attempt, campaign: CampaignFacts, now: datetime) -> bool:
    """§2.6 `canReset`: assessment, shared, resettable target, multiple sendings, 4 days after."""
    return (
        campaign.type == "ASSESSMENT"
        and campaign.resettable
        and campaign.multiple_sendings
        and campaign.accessible
        and not attempt.deleted
        and attempt.shared_at is not None
        and now - attempt.shared_at >= timedelta(days=MINIMUM_DELAY_IN_DAYS_BEFORE_RESET)
    )


def _days(seconds: float) -> int:
    return max(1, -(-int(seconds) // 86400))


def decide_join(
    state: ParticipantState,
    campaign: CampaignFacts,
    learner: LearnerFacts,
    request: JoinRequest,
    *,
    restricted: bool,
    now: datetime,
    prior: Sequence[KnowledgeElement] = (),
) -> JoinDecision:
    """The eleven ordered checks of §2.5 (rule 11 is the caller's: it spans learners), then the
    events of a new participation, or a resume of the one in progress."""
    if learner.disabled:
        raise Refused("LEARNER_DISABLED", NOT_ALLOWED)
    previous = state.current
    if not campaign.accessible:
        if previous is not None and not previous.deleted:
            return JoinDecision([], resume=True)  # §2.7: they may still open their results
        raise Refused(
            "CAMPAIGN_ARCHIVED",
            "Cette campagne est archivée ou a été supprimée : elle ne peut plus être rejointe.",
        )
    if restricted and learner.learner_id is None:
        raise Refused(
            "RECONCILIATION_REQUIRED",
            "Pour rejoindre cette campagne, rattachez d'abord votre compte à votre "
            "établissement (nom, prénom et date de naissance).",
        )
    again = request.retry or request.reset
    if previous is not None:
        collection_resend = (
            campaign.type == "PROFILES_COLLECTION"
            and previous.status == "SHARED"
            and campaign.multiple_sendings
        )
        if not again and not collection_resend and not previous.deleted:
            return JoinDecision([], resume=True)
        if not campaign.multiple_sendings:
            raise Refused(
                "ALREADY_PARTICIPATED",
                "Vous avez déjà participé à cette campagne : elle ne permet pas de renvoyer "
                "vos résultats.",
                409,
            )
        if previous.deleted:
            raise Refused("PARTICIPATION_DELETED", "Vous ne pouvez pas repasser la campagne.")
        if previous.status != "SHARED":
            raise Refused(
                "RESULTS_NOT_SENT",
                "Vous ne pouvez pas repasser la campagne : envoyez d'abord vos résultats.",
            )
        if campaign.type == "ASSESSMENT" and not request.reset:
            total = len(campaign.skill_ids)
            if (previous.validated_skills or 0) >= total:
                raise Refused(
                    "NOTHING_TO_IMPROVE",
                    "Vous avez déjà validé toutes les compétences de ce parcours : "
                    "il n'y a rien à améliorer.",
                )
            assert previous.shared_at is not None
            wait = seconds_before_retrying(previous.shared_at, now)
            if wait > 0:
                raise Refused(
                    "RETRY_TOO_EARLY",
                    f"Vous pourrez repasser ce parcours dans {_days(wait)} jour(s).",
                )
        if request.reset and not can_reset(previous, campaign, now):
            raise Refused(
                "RESET_NOT_ALLOWED",
                "La remise à zéro de ce parcours n'est pas possible "
                "(elle demande 4 jours après l'envoi et un parcours qui l'autorise).",
            )
    reuse = previous.participation_id if previous is not None else None
    external_id = None
    if reuse is None:
        external_id = check_external_id(campaign, request.participant_external_id)
    has_external_id = external_id is not None or bool(previous and previous.has_external_id)
    participation_id = str(uuid.uuid4())
    started = ParticipationStarted(
        participation_id=participation_id,
        campaign_id=campaign.campaign_id,
        organisation_id=campaign.organisation_id,
        user_id=request.user_id,
        campaign_type=campaign.type,
        learner_id=learner.learner_id,
        attempt=len(state.attempts) + 1,
        status="STARTED" if campaign.type == "ASSESSMENT" else "TO_SHARE",
        replaces=reuse,
        is_reset=request.reset and previous is not None,
        has_external_id=has_external_id,
        started_at=now,
    )
    events: list[DomainEvent] = [started]
    if campaign.type == "ASSESSMENT":
        skills = set(campaign.skill_ids)
        carried = (
            ()
            if started.is_reset
            else tuple(sealed(ke) for ke in prior if ke.skill_id in skills and ke.status != "reset")
        )
        events.append(
            AssessmentOpened(
                participation_id=participation_id,
                assessment_id=str(uuid.uuid4()),
                started_at=now,
                prior=carried,
            )
        )
    return JoinDecision(
        events,
        resume=False,
        external_id=external_id,
        reuse_external_id_of=reuse if previous is not None and previous.has_external_id else None,
    )


def ask_next(
    state: ParticipantState,
    index: TargetIndex,
    knowledge: Mapping[str, KnowledgeElement] | None = None,
) -> list[DomainEvent]:
    """The challenge to ask now (`ChallengeAsked`), or the completion when nothing is left.
    `knowledge`: the attempt's `engine_knowledge()` when the caller has it already."""
    attempt = state.current
    assert attempt is not None
    asked = [AskedChallenge(a.challenge_id, a.timed) for a in attempt.answers]
    known = attempt.engine_knowledge() if knowledge is None else knowledge
    decision = next_challenge(index, known, asked, attempt.assessment_id)
    if isinstance(decision, AssessmentEnded):
        return [
            AssessmentCompleted(
                participation_id=attempt.participation_id,
                campaign_id=state.campaign_id,
                organisation_id=state.organisation_id,
                user_id=state.user_id,
                answer_count=len(attempt.answers),
            )
        ]
    return [
        ChallengeAsked(
            participation_id=attempt.participation_id,
            challenge_id=decision.challenge.id,
            skill_id=decision.skill_id,
            timed=decision.challenge.is_timed,
        )
    ]


def fold(state: ParticipantState, events: Sequence[DomainEvent]) -> ParticipantState:
    for event in events:
        state = evolve(state, event)
    return state


# --- answering (§2, §3, §4) ------------------------------------------------------------------


def active_attempt(state: ParticipantState) -> Attempt:
    attempt = state.current
    if attempt is None or attempt.deleted:
        raise Refused("NO_PARTICIPATION", "Vous ne participez pas à cette campagne.", 404)
    return attempt


def decide_answer(
    state: ParticipantState, index: TargetIndex, command: AnswerCommand
) -> list[DomainEvent]:
    """Record one answer to the challenge asked, then ask the next one (or complete).

    The caller checks idempotency first (`Attempt.answer`): a key already recorded writes
    nothing."""
    attempt = active_attempt(state)
    if attempt.status != "STARTED" or attempt.current is None:
        raise Refused(
            "ASSESSMENT_ENDED", "Ce parcours est terminé : il n'attend plus de réponse.", 409
        )
    if command.challenge_id != attempt.current.challenge_id:
        raise Refused(
            "NOT_CURRENT_CHALLENGE",
            "Cette question n'est plus celle en cours : rechargez la page pour continuer.",
            409,
            "challenge_id",
        )
    asked = attempt.current
    assessed = {
        sid for sid, ke in attempt.knowledge.items() if ke.assessment_id == attempt.assessment_id
    }
    elements = knowledge_for_answer(
        index,
        asked.skill_id,
        command.result.is_ok,
        already_assessed=assessed,
        at=command.at,
        answer_id=command.answer_id,
        assessment_id=attempt.assessment_id,
    )
    evaluated = AnswerEvaluated(
        participation_id=attempt.participation_id,
        answer_id=command.answer_id,
        challenge_id=asked.challenge_id,
        skill_id=asked.skill_id,
        value=command.value,
        result=command.result.status,
        timed=asked.timed,
        at=command.at,
        knowledge=tuple(sealed(ke) for ke in elements),
        details=dict(command.result.details),
    )
    after = evolve(state, evaluated)
    tested = after.current.engine_knowledge() if after.current else {}
    recorded = AnswerRecorded(
        participation_id=attempt.participation_id,
        campaign_id=state.campaign_id,
        organisation_id=state.organisation_id,
        user_id=state.user_id,
        answer_number=len(attempt.answers) + 1,
        progression=round(progression(list(index.skills), tested, completed=False), 3),
    )
    return [evaluated, recorded, *ask_next(after, index, tested)]


def checkpoint_due(attempt: Attempt) -> bool:
    return is_checkpoint_due(len(attempt.answers), ended=attempt.completed)


def decide_improve(state: ParticipantState, now: datetime) -> list[DomainEvent]:
    """§2.6 improve ("Je retente" before sending): a new assessment on the same participation."""
    attempt = active_attempt(state)
    if attempt.status == "SHARED":
        raise Refused("ALREADY_SHARED", "Vos résultats ont déjà été envoyés.", 409)
    if state.campaign_type != "ASSESSMENT":
        raise Refused(
            "CANNOT_IMPROVE", "Une collecte de profils ne se repasse pas avant l'envoi.", 409
        )
    if attempt.improving and not attempt.completed:
        return []  # §2.6: the unfinished improving assessment goes on, no new one
    if not can_improve_now(attempt, now):
        raise Refused(
            "NOTHING_TO_IMPROVE",
            "Aucune question ratée depuis plus de 4 jours : il n'y a rien à retenter pour "
            "l'instant.",
        )
    return [
        ImprovementStarted(
            participation_id=attempt.participation_id,
            campaign_id=state.campaign_id,
            organisation_id=state.organisation_id,
            user_id=state.user_id,
            previous_status=attempt.status,
        ),
        AssessmentOpened(
            participation_id=attempt.participation_id,
            assessment_id=str(uuid.uuid4()),
            started_at=now,
        ),
    ]


def can_improve_now(attempt: Attempt, now: datetime) -> bool:
    """§6.5: not shared, and some invalidated KE at least 4 days older than now."""
    delay = timedelta(days=MINIMUM_DELAY_IN_DAYS_BEFORE_IMPROVING)
    return attempt.status != "SHARED" and any(
        ke.status == "invalidated" and now - ke.created_at >= delay
        for ke in attempt.knowledge.values()
    )


# --- results and sharing (§2.3, §2.4, §5) ----------------------------------------------------


def skill_results(
    target: FrozenTarget, knowledge: Mapping[str, KnowledgeElement]
) -> list[SkillResult]:
    out = []
    for s in target.skills:
        ke = knowledge.get(s.skill_id)
        status = "untested" if ke is None else ("validated" if ke.is_validated else "invalidated")
        out.append(
            SkillResult(
                skill_id=s.skill_id,
                tube=s.tube,
                competence=s.competence,
                difficulty=s.difficulty,
                status=status,
            )
        )
    return out


def _groups(skills: Sequence[SkillResult], key: str) -> tuple[GroupCount, ...]:
    counts: dict[str, list[int]] = {}
    for s in skills:
        c = counts.setdefault(getattr(s, key), [0, 0])
        c[0] += s.status == "validated"
        c[1] += 1
    return tuple(GroupCount(id=k, validated=v, total=t) for k, (v, t) in counts.items())


def results_shared(
    state: ParticipantState, campaign: CampaignFacts, now: datetime, max_level: int
) -> ResultsShared:
    """§2.4 + DESIGN §1: the snapshot frozen at share."""
    attempt = state.current
    assert attempt is not None and campaign.target is not None
    knowledge = attempt.results_knowledge()
    target = campaign.target
    result = participation_result(target, knowledge)
    skills = skill_results(target, knowledge)
    skill_ids = set(campaign.skill_ids)
    in_target = {sid: ke for sid, ke in knowledge.items() if sid in skill_ids}
    scores = competence_scores(in_target, max_level)
    stage = None
    if result.stage is not None:
        reached = acquired_stages(target.stages, result.validated_skills, result.mastery_percentage)
        stage = SharedStage(
            threshold=result.stage.threshold,
            title=result.stage.title,
            reached=len(reached),
            total=len(target.stages),
        )
    return ResultsShared(
        participation_id=attempt.participation_id,
        campaign_id=state.campaign_id,
        organisation_id=state.organisation_id,
        user_id=state.user_id,
        learner_id=attempt.learner_id,
        shared_at=now,
        skills=tuple(skills),
        validated_skills_count=result.validated_skills,
        mastery_rate=round(result.mastery_rate, 2),
        pix_score=total_pix(scores),
        competences=_groups(skills, "competence"),
        tubes=_groups(skills, "tube"),
        stage=stage,
        badges=tuple(b.key for b in result.badges if b.obtained),
    )


def profile_shared(
    state: ParticipantState,
    profile: Mapping[str, KnowledgeElement],
    now: datetime,
    max_level: int = MAX_REACHABLE_LEVEL,
) -> ProfileShared:
    attempt = state.current
    assert attempt is not None
    scores = competence_scores(profile, max_level)
    levels = tuple(
        CompetenceLevel(competence=c, pix=s.pix, level=s.level) for c, s in scores.items()
    )
    return ProfileShared(
        participation_id=attempt.participation_id,
        campaign_id=state.campaign_id,
        organisation_id=state.organisation_id,
        user_id=state.user_id,
        learner_id=attempt.learner_id,
        shared_at=now,
        competences=levels,
        pix_score=total_pix(scores),
        certifiable_competences=sum(
            1 for s in scores.values() if s.level >= MINIMUM_COMPETENCE_LEVEL_FOR_CERTIFIABILITY
        ),
        is_certifiable=is_certifiable(scores),
    )


def decide_share(
    state: ParticipantState,
    campaign: CampaignFacts,
    now: datetime,
    *,
    max_level: int,
    profile: Mapping[str, KnowledgeElement] | None = None,
) -> list[DomainEvent]:
    """§2.3, in order: the owner (the stream is theirs), not shared, campaign accessible,
    participation not deleted, assessment completed."""
    attempt = state.current
    if attempt is None:
        raise Refused("NO_PARTICIPATION", "Vous ne participez pas à cette campagne.", 404)
    if attempt.status == "SHARED":
        raise Refused("ALREADY_SHARED", "Vos résultats ont déjà été envoyés.", 409)
    if not campaign.accessible:
        raise Refused(
            "CAMPAIGN_ARCHIVED",
            "Cette campagne est archivée : les résultats ne peuvent plus être envoyés.",
        )
    if attempt.deleted:
        raise Refused("PARTICIPATION_DELETED", "Cette participation a été supprimée.")
    if campaign.type == "PROFILES_COLLECTION":
        return [profile_shared(state, profile or {}, now, max_level)]
    if not attempt.completed:
        raise Refused(
            "ASSESSMENT_NOT_COMPLETED",
            "Terminez d'abord le parcours : vos résultats pourront ensuite être envoyés.",
            409,
        )
    return [results_shared(state, campaign, now, max_level)]


def decide_delete(state: ParticipantState, deleted_by: str) -> list[DomainEvent]:
    """§2.9: every participation of the learner in the campaign goes (one event per stream)."""
    attempt = state.current
    if attempt is None or attempt.deleted:
        return []
    return [
        ParticipationDeleted(
            participation_id=attempt.participation_id,
            campaign_id=state.campaign_id,
            organisation_id=state.organisation_id,
            user_id=state.user_id,
            deleted_by=deleted_by,
            status=attempt.status,
        )
    ]


def retry_facts(attempt: Attempt, campaign: CampaignFacts, now: datetime) -> dict[str, object]:
    """What the results page offers (§6.4): can retry now, soon, in how many seconds; reset."""
    shared = attempt.shared_at
    mastery = attempt.mastery_rate if attempt.mastery_rate is not None else 0.0
    retry_now = campaign.type == "ASSESSMENT" and can_retry(
        shared_at=shared,
        now=now,
        mastery_rate=mastery,
        multiple_sendings=campaign.multiple_sendings,
        archived_or_deleted=not campaign.accessible or attempt.deleted,
    )
    soon = (
        campaign.type == "ASSESSMENT"
        and shared is not None
        and campaign.multiple_sendings
        and campaign.accessible
        and mastery < 1
        and not retry_now
    )
    return {
        "can_retry": retry_now,
        "can_retry_soon": soon,
        "remaining_seconds_before_retrying": int(seconds_before_retrying(shared, now))
        if shared
        else None,
        "can_reset": can_reset(attempt, campaign, now),
        "can_improve": can_improve_now(attempt, now) and campaign.type == "ASSESSMENT",
    }
