"""Builders for the participant aggregate's unit tests: the real release, real target profiles,
campaigns and learners as facts, and whole participations driven through `decide_*` and `fold`
the way the application drives them (join, first challenge, answers to the end, share)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Literal

from assessment.domain.answers import SKIPPED_VALUE, AnswerResult, expected_answers, validate
from assessment.domain.answers.validation import KO
from assessment.domain.knowledge import KeStatus, KnowledgeElement
from assessment.domain.participant import (
    AnswerCommand,
    CampaignFacts,
    JoinDecision,
    JoinRequest,
    LearnerFacts,
    ParticipantState,
    ask_next,
    decide_answer,
    decide_join,
    decide_share,
    fold,
)
from assessment.domain.target import TargetIndex
from orga_shared.content.framework import Challenge
from orga_shared.content.freeze import freeze_target
from orga_shared.content.loader import load_release
from orga_shared.contracts.campaign import FrozenTarget
from orga_shared.events.envelope import DomainEvent

RELEASE = load_release()
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
USER = "user-1"
LEARNER = LearnerFacts(learner_id="learner-1")
MAX_LEVEL = 7
FRENCH_WORDS = frozenset(
    "vous votre vos cette ce la le les de des une il est pas rien aucune ne à et "
    "campagne parcours résultats".split()
)

Kind = Literal["right", "wrong", "skip"]
Policy = Callable[[int, str], Kind]
"""`policy(answer_number, skill_id)`: how the learner answers the challenge asked."""


def is_french(message: str) -> bool:
    words = message.lower().replace("'", " ").replace("’", " ").split()
    return bool(message.strip()) and any(w.strip(".,:;!?()") in FRENCH_WORDS for w in words)


@cache
def target(profile_id: str = "tp-1.1") -> FrozenTarget:
    return freeze_target(RELEASE, RELEASE.profiles[profile_id])


@cache
def index(profile_id: str = "tp-1.1") -> TargetIndex:
    return TargetIndex.build(target(profile_id).skills, RELEASE.skills)


def index_of(campaign: CampaignFacts) -> TargetIndex:
    assert campaign.target is not None
    return index(campaign.target.target_profile_id)


def assessment(profile_id: str = "tp-1.1", **changes: object) -> CampaignFacts:
    base = CampaignFacts(
        campaign_id=f"campaign-{profile_id}",
        organisation_id="org-1",
        type="ASSESSMENT",
        code="EVAL12345",
        target=target(profile_id),
    )
    return replace(base, **changes)


def collection(**changes: object) -> CampaignFacts:
    base = CampaignFacts(
        campaign_id="campaign-profiles",
        organisation_id="org-1",
        type="PROFILES_COLLECTION",
        code="PROFIL123",
    )
    return replace(base, **changes)


def known(
    campaign: CampaignFacts,
    skill_ids: Iterable[str],
    status: KeStatus = "validated",
    at: datetime = T0 - timedelta(days=30),
) -> list[KnowledgeElement]:
    """Knowledge from an older assessment, on skills of the campaign's target."""
    assert campaign.target is not None
    by_id = {s.skill_id: s for s in campaign.target.skills}
    return [
        KnowledgeElement(
            skill_id=sid,
            tube=by_id[sid].tube,
            competence=by_id[sid].competence,
            status=status,
            source="direct",
            earned_pix=index_of(campaign).pix[sid] if status == "validated" else 0.0,
            created_at=at,
            answer_id="old-answer",
            assessment_id="old-assessment",
        )
        for sid in skill_ids
    ]


def join(
    state: ParticipantState,
    campaign: CampaignFacts,
    *,
    learner: LearnerFacts = LEARNER,
    restricted: bool = False,
    now: datetime = T0,
    prior: Sequence[KnowledgeElement] = (),
    **request: object,
) -> tuple[ParticipantState, JoinDecision, list[DomainEvent]]:
    """`decide_join`, then the first challenge of a new assessment participation (as the
    application does): the state after, the decision, every event written."""
    decision = decide_join(
        state,
        campaign,
        learner,
        JoinRequest(USER, **request),
        restricted=restricted,
        now=now,
        prior=prior,
    )
    events = list(decision.events)
    after = fold(state, events)
    if events and campaign.type == "ASSESSMENT":
        first = ask_next(after, index_of(campaign))
        events += first
        after = fold(after, first)
    return after, decision, events


def respond(challenge: Challenge, kind: Kind) -> tuple[str | None, AnswerResult]:
    if kind == "right":
        value = next(expected_answers(challenge))
        return value, validate(challenge, value)
    if kind == "skip":
        return SKIPPED_VALUE, validate(challenge, SKIPPED_VALUE)
    return "réponse fausse", KO


def right(_n: int, _skill: str) -> Kind:
    return "right"


def wrong(_n: int, _skill: str) -> Kind:
    return "wrong"


def play(
    state: ParticipantState,
    campaign: CampaignFacts,
    policy: Policy = right,
    *,
    start: datetime = T0,
    limit: int | None = None,
) -> tuple[ParticipantState, list[DomainEvent]]:
    """Answer the current attempt to its end (`limit` answers at most, else the number of
    target skills): the state after and the events written, in order."""
    idx = index_of(campaign)
    bound = limit if limit is not None else len(idx.skills)
    events: list[DomainEvent] = []
    for n in range(1, bound + 2):
        attempt = state.current
        assert attempt is not None
        if attempt.completed:
            return state, events
        assert n <= bound, f"still asking after {bound} answers"
        asked = attempt.current
        assert asked is not None, "nothing asked and not completed"
        value, result = respond(RELEASE.challenges[asked.challenge_id], policy(n, asked.skill_id))
        command = AnswerCommand(
            answer_id=f"{attempt.assessment_id}-{n}",
            challenge_id=asked.challenge_id,
            value=value,
            result=result,
            at=start + timedelta(minutes=n),
        )
        new = decide_answer(state, idx, command)
        events += new
        state = fold(state, new)
    raise AssertionError("unreachable")


def share(
    state: ParticipantState, campaign: CampaignFacts, now: datetime
) -> tuple[ParticipantState, list[DomainEvent]]:
    events = decide_share(state, campaign, now, max_level=MAX_LEVEL, profile={})
    return fold(state, events), events


def shared_participation(
    campaign: CampaignFacts,
    policy: Policy = wrong,
    *,
    shared_at: datetime = T0 + timedelta(hours=1),
    participant_external_id: str | None = None,
) -> ParticipantState:
    """A first participation answered to the end with `policy` and shared at `shared_at`."""
    state, _, _ = join(
        ParticipantState(), campaign, participant_external_id=participant_external_id
    )
    if campaign.type == "ASSESSMENT":
        state, _ = play(state, campaign, policy)
    state, _ = share(state, campaign, shared_at)
    return state
