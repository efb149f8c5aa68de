"""Properties of whole participations driven through the aggregate (`decide_join`, `ask_next`,
`decide_answer`, `decide_share`, a retry), on real target profiles of the release with answer
policies drawn by hypothesis (adaptive-engine.md §4, §6, §8): the test ends, never asks what is
known or the same challenge twice, replays from its seed, and every state it goes through comes
back unchanged from its snapshot."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.adapters.codec import decode_state, encode_state
from assessment.domain.participant import (
    INITIAL,
    CampaignFacts,
    ParticipantState,
    ask_next,
    evolve,
    fold,
)
from assessment.domain.scoring import mastery_rate
from assessment.domain.sealed import AnswerEvaluated, AssessmentOpened, ChallengeAsked
from orga_shared.contracts.assessment import (
    AnswerRecorded,
    AssessmentCompleted,
    ParticipationStarted,
    ResultsShared,
)
from orga_shared.events.envelope import DomainEvent

from .participants import T0, Kind, assessment, index_of, join, known, play, right, share

pytestmark = pytest.mark.unit

PROFILES = ("tp-1.1", "tp-2.2", "tp-donnees-tableur", "tp-rentree-numerique-sup")
KINDS: tuple[Kind, ...] = ("right", "wrong", "skip")
SETTINGS = settings(max_examples=25, deadline=None)


@dataclass(frozen=True)
class Scenario:
    campaign: CampaignFacts
    kinds: tuple[Kind, ...]
    prior: tuple[str, ...]

    def policy(self, n: int, _skill: str) -> Kind:
        return self.kinds[(n - 1) % len(self.kinds)]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    campaign = assessment(draw(st.sampled_from(PROFILES)), multiple_sendings=True)
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=10))
    prior = draw(st.sets(st.sampled_from(campaign.skill_ids), max_size=4))
    return Scenario(campaign, tuple(kinds), tuple(sorted(prior)))


@dataclass(frozen=True)
class Run:
    events: list[DomainEvent]
    final: ParticipantState
    first: list[DomainEvent]
    """The events of the first attempt only (join to completion)."""


def run(scenario: Scenario) -> Run:
    """Join with the prior knowledge, answer to the end, share, retry 5 days later when
    something is left to improve, answer to the end again."""
    campaign = scenario.campaign
    state, _, events = join(INITIAL, campaign, prior=known(campaign, scenario.prior))
    state, answered = play(state, campaign, scenario.policy)
    first = [*events, *answered]
    shared_at = T0 + timedelta(hours=2)
    state, sent = share(state, campaign, shared_at)
    events = [*first, *sent]
    attempt = state.current
    assert attempt is not None
    if attempt.mastery_rate is not None and attempt.mastery_rate < 1:
        later = shared_at + timedelta(days=5)
        knowledge = list(attempt.results_knowledge().values())
        state, _, retried = join(state, campaign, now=later, retry=True, prior=knowledge)
        state, answered = play(state, campaign, scenario.policy, start=later)
        events += [*retried, *answered]
    return Run(events, state, first)


def states(events: list[DomainEvent]) -> list[ParticipantState]:
    out = [INITIAL]
    for event in events:
        out.append(evolve(out[-1], event))
    return out


def asked(events: list[DomainEvent]) -> list[ChallengeAsked]:
    return [e for e in events if isinstance(e, ChallengeAsked)]


@SETTINGS
@given(scenarios())
def test_a_participation_ends_within_one_question_per_target_skill(scenario: Scenario) -> None:
    first = run(scenario).first  # `play` fails past one answer per target skill
    answers = [e for e in first if isinstance(e, AnswerEvaluated)]
    [completed] = [e for e in first if isinstance(e, AssessmentCompleted)]
    assert isinstance(first[-1], AssessmentCompleted)
    assert completed.answer_count == len(answers) <= len(scenario.campaign.skill_ids)
    recorded = [e.answer_number for e in first if isinstance(e, AnswerRecorded)]
    assert recorded == list(range(1, len(answers) + 1))


@SETTINGS
@given(scenarios())
def test_no_skill_validated_before_the_start_is_ever_asked(scenario: Scenario) -> None:
    result = run(scenario)
    for event in asked(result.first):
        assert event.skill_id not in scenario.prior
    # the retry too, from the knowledge it started with (an inferred failure in the first
    # attempt may have overwritten a prior validation, §3.2-3.3: that skill is asked again)
    before: set[str] = set()
    for event in result.events:
        if isinstance(event, AssessmentOpened):
            before = {k.skill_id for k in event.prior if k.status == "validated"}
            assert event.participation_id != result.first[0].participation_id or before == set(
                scenario.prior
            )
        elif isinstance(event, ChallengeAsked):
            assert event.skill_id not in before


@SETTINGS
@given(scenarios())
def test_no_challenge_is_asked_twice_in_a_participation(scenario: Scenario) -> None:
    by_attempt: dict[str, list[str]] = {}
    for event in asked(run(scenario).events):
        by_attempt.setdefault(event.participation_id, []).append(event.challenge_id)
    for challenges in by_attempt.values():
        assert len(challenges) == len(set(challenges))


@SETTINGS
@given(scenarios())
def test_mastery_stays_between_0_and_1(scenario: Scenario) -> None:
    result = run(scenario)
    skills = scenario.campaign.skill_ids
    for state in states(result.events):
        for attempt in state.attempts:
            assert 0.0 <= mastery_rate(skills, attempt.results_knowledge()) <= 1.0
    for event in result.events:
        if isinstance(event, ResultsShared):
            assert 0.0 <= event.mastery_rate <= 1.0


@SETTINGS
@given(scenarios())
def test_the_same_participation_and_assessment_give_the_same_challenges(
    scenario: Scenario,
) -> None:
    campaign = scenario.campaign
    _, decision, _ = join(INITIAL, campaign, prior=known(campaign, scenario.prior))
    runs = []
    for _ in range(2):
        state = fold(INITIAL, decision.events)  # the same ids: the same seed
        first = ask_next(state, index_of(campaign))
        _, answered = play(fold(state, first), campaign, scenario.policy)
        runs.append([e.challenge_id for e in asked([*first, *answered])])
    assert len(runs[0]) >= 1
    assert runs[0] == runs[1]


@SETTINGS
@given(st.sampled_from(PROFILES), st.data())
def test_answering_everything_right_validates_every_target_skill(
    profile: str, data: st.DataObject
) -> None:
    campaign = assessment(profile)
    prior = data.draw(st.sets(st.sampled_from(campaign.skill_ids), max_size=4))
    state, _, _ = join(INITIAL, campaign, prior=known(campaign, sorted(prior)))
    state, _ = play(state, campaign, right)
    attempt = state.current
    assert attempt is not None and attempt.completed
    knowledge = attempt.results_knowledge()
    assert set(knowledge) >= set(campaign.skill_ids)
    assert all(knowledge[sid].is_validated for sid in campaign.skill_ids)


@SETTINGS
@given(scenarios())
def test_every_state_comes_back_unchanged_from_its_snapshot(scenario: Scenario) -> None:
    for state in states(run(scenario).events):
        document = encode_state(state)
        assert decode_state(document) == state
        assert decode_state(json.loads(json.dumps(document))) == state  # as stored


@SETTINGS
@given(scenarios())
def test_folding_event_by_event_gives_the_state_the_aggregate_reached(scenario: Scenario) -> None:
    result = run(scenario)
    assert fold(INITIAL, result.events) == result.final
    assert reduce(evolve, result.events, INITIAL) == result.final
    assert states(result.events)[-1] == result.final
    # a snapshot taken anywhere, then the rest of the events, gives the same state too
    middle = len(result.events) // 2
    snapshot = decode_state(encode_state(fold(INITIAL, result.events[:middle])))
    assert fold(snapshot, result.events[middle:]) == result.final


@SETTINGS
@given(scenarios())
def test_a_retry_is_a_second_attempt_replacing_the_first(scenario: Scenario) -> None:
    result = run(scenario)
    starts = [e for e in result.events if isinstance(e, ParticipationStarted)]
    assert [s.attempt for s in starts] == list(range(1, len(starts) + 1))
    assert [a.improved for a in result.final.attempts] == [True] * (len(starts) - 1) + [False]
