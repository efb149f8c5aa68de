"""Properties the issue asks of the adaptive test, on small targets cut from the real release
(adaptive-engine.md §4, §5.4): it ends, never re-asks, a right answer never lowers the estimate,
mastery stays in [0, 1], a seed replays the same test, a perfect student validates everything."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.domain.knowledge import KnowledgeElement
from assessment.domain.scoring import mastery_rate
from assessment.domain.selection import predicted_level
from assessment.domain.target import TargetIndex
from orga_shared.content.loader import load_release

from .content import START, Run, simulate

pytestmark = pytest.mark.unit

RELEASE = load_release()
TUBES = sorted(RELEASE.tubes)


@st.composite
def targets(draw: st.DrawFn) -> TargetIndex:
    """2 to 5 tubes of the release, each capped at a random level (§7.1)."""
    names = draw(st.lists(st.sampled_from(TUBES), min_size=2, max_size=5, unique=True))
    skills = []
    for name in names:
        tube = RELEASE.tubes[name]
        cap = draw(st.integers(min_value=tube.skills[0].level, max_value=8))
        skills.extend(s for s in tube.skills if s.is_active and s.level <= cap)
    return TargetIndex.from_skills(skills)


@st.composite
def learners(draw: st.DrawFn, target: TargetIndex) -> dict[str, bool]:
    """An ability level, with a few surprising answers either way."""
    ability = draw(st.integers(min_value=0, max_value=8))
    flips = draw(st.sets(st.sampled_from(sorted(target.skills))))
    return {sid: (s.difficulty <= ability) != (sid in flips) for sid, s in target.skills.items()}


def prior(target: TargetIndex, validated: set[str]) -> list[KnowledgeElement]:
    """Skills validated in an older assessment, directly, a month before this one."""
    at = START - timedelta(days=30)
    return [
        KnowledgeElement(sid, s.tube, s.competence, "validated", "direct", 1.0, at, "old", "old")
        for sid, s in target.skills.items()
        if sid in validated
    ]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[TargetIndex, dict[str, bool], str, list[KnowledgeElement]]:
    target = draw(targets())
    answers = draw(learners(target))
    known = draw(st.sets(st.sampled_from(sorted(target.skills)), max_size=3))
    seed = draw(st.text(min_size=1, max_size=12))
    return target, answers, seed, prior(target, known)


Scenario = tuple[TargetIndex, dict[str, bool], str, list[KnowledgeElement]]


def run_of(scenario: Scenario) -> Run:
    target, answers, seed, known = scenario
    return simulate(target, answers.__getitem__, seed=seed, known=known, limit=len(target.skills))


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_the_test_ends_within_one_question_per_target_skill(scenario: Scenario) -> None:
    run = run_of(scenario)  # simulate raises if the limit (#target skills) is reached
    assert len(run.picks) <= len(scenario[0].skills)


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_no_assessed_skill_is_ever_asked_and_no_challenge_twice(scenario: Scenario) -> None:
    run = run_of(scenario)
    for pick, state in zip(run.picks, run.before, strict=True):
        assert pick.skill_id not in state
    assert len({p.challenge.id for p in run.picks}) == len(run.picks)


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_a_right_answer_never_lowers_the_estimated_level(scenario: Scenario) -> None:
    answers = scenario[1]
    picks = run_of(scenario).picks
    for asked, then in itertools.pairwise(picks[1:]):
        if answers[asked.skill_id]:
            assert then.estimated_level >= asked.estimated_level


@given(st.lists(st.tuples(st.integers(0, 1), st.integers(1, 8)), max_size=20), st.integers(1, 8))
def test_adding_a_right_answer_never_lowers_the_prediction(
    direct: list[tuple[int, int]], difficulty: int
) -> None:
    assert predicted_level([*direct, (1, difficulty)]) >= predicted_level(direct)


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_mastery_stays_between_0_and_1(scenario: Scenario) -> None:
    run = run_of(scenario)
    rate = mastery_rate(list(scenario[0].skills), run.final)
    assert 0.0 <= rate <= 1.0


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_the_same_seed_gives_the_same_test(scenario: Scenario) -> None:
    first, second = run_of(scenario), run_of(scenario)
    assert [p.challenge.id for p in first.picks] == [p.challenge.id for p in second.picks]


@settings(max_examples=60, deadline=None)
@given(targets(), st.text(min_size=1, max_size=12))
def test_a_student_who_answers_everything_right_validates_every_target_skill(
    target: TargetIndex, seed: str
) -> None:
    run = simulate(target, lambda sid: True, seed=seed, limit=len(target.skills))
    assert set(run.final) == set(target.skills)
    assert all(ke.is_validated for ke in run.final.values())
    assert mastery_rate(list(target.skills), run.final) == 1.0
